import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { webhookEndpoints, webhookOutbox } from "@/db/schema";
import { checkEndpointUrl, isForbiddenAddress } from "@/lib/webhooks/address";
import { deliverDueWebhooks } from "@/lib/webhooks/deliver";
import { sendTestEvent } from "@/lib/webhooks/deliveries";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { PostError, postWebhook } from "@/lib/webhooks/http";
import { sealWebhookSecret } from "@/lib/webhooks/secret";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/helpers/webhook-receiver";
import { openMigratedDb } from "@/tests/helpers/db";

// docs/SECURITY.md row 22 with WEBHOOK_ALLOW_PRIVATE_NETWORKS off (its default): webhook URLs are refused when they
// are, or resolve to, private, loopback, link-local, unique-local, CGNAT, multicast or unspecified addresses (and
// their IPv4-mapped forms), at creation and again at delivery, where the address connected to is the one checked.

let receiver: WebhookReceiver;

before(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "false";
  await openMigratedDb();
  receiver = await startWebhookReceiver();
});
after(async () => {
  await receiver.stop();
});

describe("SSRF guard", () => {
  it("classifies addresses: only public unicast is allowed", () => {
    const forbidden = [
      "127.0.0.1",
      "127.1.2.3",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "fd12:3456::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "::ffff:169.254.169.254",
      "not an address",
    ];
    for (const address of forbidden) assert.equal(isForbiddenAddress(address), true, address);
    for (const address of ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
      assert.equal(isForbiddenAddress(address), false, address);
  });

  it("refuses such URLs at creation with a clear sentence, and http: and credentials too; nothing is written", async () => {
    for (const url of [
      "https://127.0.0.1/hook",
      "https://10.1.2.3/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://localhost/hook",
      "https://100.64.1.1/",
    ]) {
      const refused = await checkEndpointUrl(url);
      assert.match(refused ?? "", /private, loopback or otherwise non-public address/, url);
      const result = await createWebhookEndpoint({ userId: null, label: "test" }, { url, events: ["connection.linked"] });
      assert.ok("error" in result, url);
    }
    assert.match((await checkEndpointUrl("http://example.com/hook")) ?? "", /must start with https:\/\//);
    assert.match((await checkEndpointUrl("https://user:secret@example.com/hook")) ?? "", /user name and password/);
    assert.equal((await db.select().from(webhookEndpoints)).length, 0);
  });

  it("a POST to a loopback, 10/8 or 169.254/16 literal, ::1, ::ffff:127.0.0.1, or a name resolving to loopback is refused before connecting", async () => {
    for (const url of [
      `http://127.0.0.1:${receiver.port}/`,
      `http://[::ffff:127.0.0.1]:${receiver.port}/`,
      `http://localhost:${receiver.port}/`,
      `http://[::1]:${receiver.port}/`,
      "http://10.20.30.40/hook",
      "https://169.254.169.254/latest/meta-data",
    ]) {
      await assert.rejects(
        postWebhook(new URL(url), {}, "{}", { timeoutMs: 2_000, allowPrivate: false }),
        (error: unknown) => error instanceof PostError && error.kind === "forbidden",
        url,
      );
    }
    assert.equal(receiver.requests.length, 0, "no request reached the receiver");
    const allowed = await postWebhook(new URL(`http://localhost:${receiver.port}/`), {}, "{}", { timeoutMs: 2_000, allowPrivate: true });
    assert.equal(allowed.status, 200, "the same call goes through when private networks are allowed");
  });

  it("a stored endpoint whose name now resolves to loopback (DNS rebinding) fails its delivery for good, unsent", async () => {
    receiver.requests.length = 0;
    const id = "rebinding";
    const now = new Date();
    await db.insert(webhookEndpoints).values({
      id,
      url: `http://localhost:${receiver.port}/hook`,
      events: "connection.linked",
      ...sealWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id),
      createdAt: now,
      updatedAt: now,
    });
    assert.ok("ok" in (await sendTestEvent({ userId: null, label: "test" }, id)));
    assert.equal((await deliverDueWebhooks()).failed, 1);
    const row = (await db.select().from(webhookOutbox).where(eq(webhookOutbox.endpointId, id)).then(firstRow))!;
    assert.ok(row.failedAt);
    assert.match(row.lastError ?? "", /127\.0\.0\.1|::1/);
    assert.match(row.lastError ?? "", /not public/);
    assert.equal(receiver.requests.length, 0);
  });
});
