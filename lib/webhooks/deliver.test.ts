import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import { and, asc, eq, isNull } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { adminActions, mailOutbox, users, webhookEndpoints, webhookOutbox } from "@/db/schema";
import { deliverDueWebhooks } from "@/lib/webhooks/deliver";
import { listDeliveries, redeliver, sendTestEvent } from "@/lib/webhooks/deliveries";
import { disableFailingEndpoints } from "@/lib/webhooks/disable";
import { createWebhookEndpoint, deleteWebhookEndpoint, enableWebhookEndpoint, getWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { RETRY_BASE_MS, webhookBackoffMs } from "@/lib/webhooks/outbox";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/helpers/webhook-receiver";
import { openMigratedDb } from "@/tests/helpers/db";

// Issue 16: delivery to a real local receiver (private networks allowed in this file): signed headers, retries on
// 5xx/408/429/timeouts with backoff, for 24 hours; other answers, redirects included, fail for good; an endpoint
// failing for days is disabled with mail to every admin; redeliver and the test event.

const actor = { userId: null, label: "test" };
let receiver: WebhookReceiver;
let endpointId: string;
let secret: string;

before(async () => {
  Object.assign(process.env, {
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    WEBHOOK_TIMEOUT_MS: "800",
    SMTP_URL: "smtp://127.0.0.1:9",
    WEBHOOK_DISABLE_AFTER_DAYS: "5",
  });
  await openMigratedDb();
  receiver = await startWebhookReceiver({ hangMs: 2_000 });
  const created = await createWebhookEndpoint(actor, { url: `${receiver.origin}/hook`, description: "tests", events: ["connection.linked"] });
  assert.ok(!("error" in created));
  endpointId = created.endpoint.id;
  secret = created.secret;
  receiver.setSecret(secret);
});
after(async () => {
  await receiver.stop();
});
beforeEach(() => {
  receiver.behave(() => ({ status: 200 }));
  receiver.requests.length = 0;
});

/** Queues a test event and returns its delivery row's id. */
async function queue(): Promise<string> {
  const outcome = await sendTestEvent(actor, endpointId);
  assert.ok(!("error" in outcome), "error" in outcome ? outcome.error : "");
  return (await db.select({ id: webhookOutbox.id }).from(webhookOutbox).where(isNull(webhookOutbox.lastAttemptAt)).then(firstRow))!.id;
}
const row = async (id: string) => (await db.select().from(webhookOutbox).where(eq(webhookOutbox.id, id)).then(firstRow))!;
const endpoint = async () => (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).then(firstRow))!;
const makeDue = (id: string) =>
  db
    .update(webhookOutbox)
    .set({ nextAttemptAt: new Date(Date.now() - 1) })
    .where(eq(webhookOutbox.id, id));

describe("webhook delivery", () => {
  it("the secret is whsec_ + base64 of 32 bytes, shown once and stored sealed", async () => {
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(secret.slice(6), "base64").length, 32);
    const stored = await endpoint();
    assert.ok(!stored.secret.includes(secret.slice(6)), "not in clear");
    assert.match(stored.secret, /^v1\./);
    assert.ok(stored.keyId);
  });

  it("signs per Standard Webhooks: webhook-id, webhook-timestamp in seconds, v1 signature, content type, user agent; 2xx marks it delivered", async () => {
    const id = await queue();
    const pass = await deliverDueWebhooks();
    assert.equal(pass.delivered, 1);
    const [request] = receiver.requests;
    assert.ok(request?.signatureValid, "verifies with new Webhook(secret).verify(body, headers)");
    const delivery = await row(id);
    assert.equal(request.headers["webhook-id"], delivery.messageId);
    assert.ok(Math.abs(Number(request.headers["webhook-timestamp"]) - Date.now() / 1000) < 5);
    assert.match(String(request.headers["webhook-signature"]), /^v1,[A-Za-z0-9+/]+=*$/);
    assert.equal(request.headers["content-type"], "application/json");
    assert.equal(request.headers["user-agent"], "TrainLink-Webhooks/1");
    assert.equal(request.body, delivery.payload);
    const payload = JSON.parse(request.body) as { type: string; data: { endpoint_id: string } };
    assert.equal(payload.type, "webhook.test");
    assert.equal(payload.data.endpoint_id, endpointId);
    assert.ok(delivery.deliveredAt);
    assert.equal(delivery.attempts, 1);
    assert.equal(delivery.lastStatusCode, 200);
    assert.ok(delivery.lastLatencyMs !== null && delivery.lastLatencyMs >= 0);
    assert.equal(delivery.leaseOwner, null);
  });

  it("a 500 is retried after the backoff (same webhook-id), marks the endpoint failing; the success clears it", async () => {
    const id = await queue();
    receiver.behave(() => ({ status: 500 }));
    const t = Date.now();
    assert.equal((await deliverDueWebhooks()).retrying, 1);
    let delivery = await row(id);
    assert.equal(delivery.lastError, "HTTP 500");
    assert.equal(delivery.lastStatusCode, 500);
    assert.equal(delivery.failedAt, null);
    const wait = delivery.nextAttemptAt.getTime() - t;
    assert.ok(wait >= RETRY_BASE_MS * 0.7 && wait <= RETRY_BASE_MS * 1.3 + 1_000, `first retry after about ${RETRY_BASE_MS} ms (${wait})`);
    assert.ok((await endpoint()).failingSince);
    assert.equal((await deliverDueWebhooks()).retrying + receiver.requests.length, 1, "not due yet: nothing sent");
    receiver.behave(() => ({ status: 204 }));
    await makeDue(id);
    assert.equal((await deliverDueWebhooks()).delivered, 1);
    delivery = await row(id);
    assert.equal(delivery.attempts, 2);
    assert.equal(receiver.requests[0]!.headers["webhook-id"], receiver.requests[1]!.headers["webhook-id"]);
    assert.equal((await endpoint()).failingSince, null);
  });

  it("408, 429, 503 and a timeout are retried; a 429/503 Retry-After is honoured (up to an hour)", async () => {
    for (const answer of [
      { status: 408 },
      { status: 429, headers: { "retry-after": "120" } },
      { status: 503, headers: { "retry-after": "86400" } },
      "hang" as const,
    ]) {
      const id = await queue();
      receiver.behave(() => answer);
      const t = Date.now();
      assert.equal((await deliverDueWebhooks()).retrying, 1, JSON.stringify(answer));
      const delivery = await row(id);
      const wait = delivery.nextAttemptAt.getTime() - t;
      if (answer === "hang") assert.equal(delivery.lastError, "no answer within 800 ms");
      else if (answer.status === 429) assert.ok(wait >= 120_000 && wait < 125_000, `Retry-After 120 s (${wait})`);
      else if (answer.status === 503) assert.ok(wait >= 3_600_000 && wait < 3_605_000, `Retry-After capped at 1 h (${wait})`);
      await db.delete(webhookOutbox).where(eq(webhookOutbox.id, id));
    }
  });

  it("a dropped connection is retried", async () => {
    const id = await queue();
    receiver.behave(() => "drop");
    assert.equal((await deliverDueWebhooks()).retrying, 1);
    assert.match((await row(id)).lastError ?? "", /connection/);
    await db.delete(webhookOutbox).where(eq(webhookOutbox.id, id));
  });

  it("a 404 fails for good; a 302 is not followed and fails for good", async () => {
    const a = await queue();
    receiver.behave(() => ({ status: 404 }));
    assert.equal((await deliverDueWebhooks()).failed, 1);
    assert.ok((await row(a)).failedAt);
    await makeDue(a);
    await deliverDueWebhooks();
    assert.equal(receiver.requests.length, 1, "never retried");
    const b = await queue();
    receiver.behave((r) => (r.path === "/hook" ? { status: 302, headers: { location: `${receiver.origin}/elsewhere` } } : { status: 200 }));
    assert.equal((await deliverDueWebhooks()).failed, 1);
    assert.equal((await row(b)).lastError, "HTTP 302 (redirects are not followed)");
    assert.ok(!receiver.requests.some((r) => r.path === "/elsewhere"), "the Location was never requested");
  });

  it("gives up 24 hours after the event: the last retry is scheduled no later than that, then it fails for good", async () => {
    receiver.behave(() => ({ status: 500 }));
    const late = await queue();
    await db
      .update(webhookOutbox)
      .set({ createdAt: new Date(Date.now() - 24 * 3_600_000 + 2_000) })
      .where(eq(webhookOutbox.id, late));
    await deliverDueWebhooks();
    const scheduled = await row(late);
    assert.equal(scheduled.failedAt, null);
    assert.ok(scheduled.nextAttemptAt.getTime() <= scheduled.createdAt.getTime() + 24 * 3_600_000, "capped at the 24-hour mark");
    await db
      .update(webhookOutbox)
      .set({ createdAt: new Date(Date.now() - 25 * 3_600_000), nextAttemptAt: new Date(Date.now() - 1) })
      .where(eq(webhookOutbox.id, late));
    assert.equal((await deliverDueWebhooks()).failed, 1);
    const given = await row(late);
    assert.ok(given.failedAt);
    assert.equal(given.lastError, "HTTP 500; gave up after 24 hours of retries");
  });

  it("backoff doubles from 5 s with jitter, up to an hour", () => {
    for (let attempts = 1; attempts <= 15; attempts += 1) {
      const base = Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), 3_600_000);
      const ms = webhookBackoffMs(attempts);
      assert.ok(ms >= base * 0.75 && ms <= base * 1.25, `attempt ${attempts}: ${ms}`);
    }
    assert.ok(webhookBackoffMs(1, 60_000) >= 60_000);
    assert.ok(webhookBackoffMs(1, 10 * 3_600_000) <= 3_600_000);
  });

  it("a delivery leased by another live worker is not sent", async () => {
    const id = await queue();
    await db
      .update(webhookOutbox)
      .set({ leaseOwner: "other", leaseUntil: new Date(Date.now() + 60_000) })
      .where(eq(webhookOutbox.id, id));
    await deliverDueWebhooks();
    assert.equal(receiver.requests.length, 0);
    await db
      .update(webhookOutbox)
      .set({ leaseUntil: new Date(Date.now() - 1) })
      .where(eq(webhookOutbox.id, id));
    assert.equal((await deliverDueWebhooks()).delivered, 1, "taken over once the lease lapsed");
  });

  it("redeliver sends a finished delivery again with the same webhook-id; a waiting one is refused", async () => {
    const id = await queue();
    await deliverDueWebhooks();
    const first = await row(id);
    assert.ok(first.deliveredAt);
    assert.deepEqual(await redeliver(actor, id), { ok: `Queued webhook.test (${first.messageId}) for delivery again.` });
    const again = await row(id);
    assert.equal(again.deliveredAt, null);
    assert.equal(again.attempts, 0);
    assert.ok("error" in (await redeliver(actor, id)), "still waiting: refused");
    await deliverDueWebhooks();
    assert.deepEqual(
      receiver.requests.map((r) => r.headers["webhook-id"]),
      [first.messageId, first.messageId],
    );
    assert.ok((await row(id)).deliveredAt);
    assert.ok("error" in (await redeliver(actor, randomUUID())));
  });

  it("an endpoint failing for WEBHOOK_DISABLE_AFTER_DAYS is disabled: waiting deliveries failed, an admin action, a mail to each enabled admin; re-enable", async () => {
    const admins = [randomUUID(), randomUUID(), randomUUID()];
    await db.insert(users).values(
      admins.map((id, i) => ({
        id,
        email: `${id}@test.example`,
        name: `Admin ${i}`,
        role: "admin" as const,
        disabledAt: i === 2 ? new Date() : null,
      })),
    );
    receiver.behave(() => ({ status: 500 }));
    const waiting = await queue();
    await deliverDueWebhooks();
    assert.deepEqual(await disableFailingEndpoints(), [], "failing for less than 5 days: kept");
    await db
      .update(webhookEndpoints)
      .set({ failingSince: new Date(Date.now() - 5 * 86_400_000 - 1_000) })
      .where(eq(webhookEndpoints.id, endpointId));
    assert.deepEqual(await disableFailingEndpoints(), [endpointId]);
    assert.deepEqual(await disableFailingEndpoints(), [], "once");
    const view = (await getWebhookEndpoint(endpointId))!;
    assert.ok(view.disabledAt);
    assert.match(view.disabledReason ?? "", /every delivery failed for 5 days/);
    assert.equal((await row(waiting)).lastError, "the endpoint was disabled");
    assert.ok((await row(waiting)).failedAt);
    const actions = await db.select().from(adminActions).where(eq(adminActions.kind, "webhook_endpoint_disabled"));
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.actorId, null);
    const mails = await db.select().from(mailOutbox).orderBy(asc(mailOutbox.toAddress));
    assert.deepEqual(mails.map((m) => m.recipientId).sort(), admins.slice(0, 2).sort(), "enabled admins only");
    assert.match(mails[0]!.textBody, /disabled the webhook endpoint/);
    assert.ok("error" in (await sendTestEvent(actor, endpointId)), "no test event to a disabled endpoint");
    assert.ok("error" in (await redeliver(actor, waiting)), "no redelivery to a disabled endpoint");
    receiver.behave(() => ({ status: 200 }));
    assert.ok("ok" in (await enableWebhookEndpoint(actor, endpointId)));
    const enabled = (await getWebhookEndpoint(endpointId))!;
    assert.equal(enabled.disabledAt, null);
    assert.equal(enabled.failingSince, null);
    assert.ok("ok" in (await redeliver(actor, waiting)));
    assert.equal((await deliverDueWebhooks()).delivered, 1);
  });

  it("creation refuses bad input with a sentence and writes nothing", async () => {
    const before = (await db.select().from(webhookEndpoints)).length;
    for (const input of [
      { url: "", events: ["connection.linked" as const] },
      { url: "not a url", events: ["connection.linked" as const] },
      { url: "ftp://example.com/x", events: ["connection.linked" as const] },
      { url: "https://user:pass@example.com/x", events: ["connection.linked" as const] },
      { url: "https://example.com/x", events: [] },
      { url: "https://example.com/x", description: "x".repeat(201), events: ["connection.linked" as const] },
    ]) {
      const result = await createWebhookEndpoint(actor, input);
      assert.ok("error" in result && /\.$/.test(result.error), JSON.stringify(input));
    }
    assert.equal((await db.select().from(webhookEndpoints)).length, before);
  });

  it("deleting an endpoint deletes its deliveries", async () => {
    const created = await createWebhookEndpoint(actor, { url: `${receiver.origin}/other`, events: ["connection.revoked"] });
    assert.ok(!("error" in created));
    await sendTestEvent(actor, created.endpoint.id);
    assert.ok("ok" in (await deleteWebhookEndpoint(actor, created.endpoint.id)));
    assert.equal((await db.select().from(webhookOutbox).where(eq(webhookOutbox.endpointId, created.endpoint.id))).length, 0);
    assert.ok("error" in (await deleteWebhookEndpoint(actor, created.endpoint.id)));
    assert.equal(
      (
        await db
          .select()
          .from(adminActions)
          .where(and(eq(adminActions.kind, "webhook_endpoint_deleted")))
      ).length,
      1,
    );
  });
});

describe("delivery log", () => {
  it("pages newest first by keyset, every delivery once; a cursor that is not ours starts at the top", async () => {
    const created = await createWebhookEndpoint(actor, { url: `${receiver.origin}/log`, events: ["connection.linked"] });
    assert.ok(!("error" in created));
    const at = Date.now() - 60_000;
    await db.insert(webhookOutbox).values(
      Array.from({ length: 60 }, (_, i) => ({
        id: randomUUID(),
        endpointId: created.endpoint.id,
        messageId: `msg_${i}`,
        eventType: "webhook.test",
        payload: "{}",
        createdAt: new Date(at + Math.floor(i / 3) * 1_000), // three rows per instant: ties broken by id
        nextAttemptAt: new Date(Date.now() + 3_600_000),
      })),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listDeliveries(created.endpoint.id, { cursor, limit: 25 });
      seen.push(...page.rows.map((r) => r.messageId));
      for (let i = 1; i < page.rows.length; i += 1) assert.ok(page.rows[i - 1]!.createdAt >= page.rows[i]!.createdAt, "newest first");
      cursor = page.next ?? undefined;
      pages += 1;
    } while (cursor);
    assert.equal(pages, 3);
    assert.equal(seen.length, 60);
    assert.equal(new Set(seen).size, 60);
    assert.equal((await listDeliveries(created.endpoint.id, { cursor: "not-a-cursor", limit: Number.NaN })).rows.length, 25);
    assert.equal((await listDeliveries(created.endpoint.id, { limit: 1_000 })).rows.length, 60);
  });
});
