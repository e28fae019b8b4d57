import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, it } from "node:test";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { webhookOutbox } from "@/db/schema";
import { sendTestEvent } from "@/lib/webhooks/deliveries";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { pruneWebhookOutbox } from "@/lib/webhooks/outbox";
import { startWebhookWorker } from "@/lib/webhooks/worker";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/helpers/webhook-receiver";
import { openMigratedDb } from "@/tests/helpers/db";

// The webhook worker of a server process: woken by an enqueue in the same process, it delivers at once (well before
// its 1 s tick); deliveries are pruned 30 days after they finished.

let receiver: WebhookReceiver;
let endpointId: string;

before(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
  await openMigratedDb();
  receiver = await startWebhookReceiver();
  const created = await createWebhookEndpoint({ userId: null, label: "test" }, { url: `${receiver.origin}/hook`, events: ["connection.linked"] });
  assert.ok(!("error" in created));
  endpointId = created.endpoint.id;
  receiver.setSecret(created.secret);
});
after(async () => {
  await receiver.stop();
});

it("an event enqueued in this process is delivered within moments, signed", async () => {
  startWebhookWorker();
  await new Promise((resolve) => setTimeout(resolve, 1_100)); // the first interval tick has run and found nothing
  const t = Date.now();
  assert.ok("ok" in (await sendTestEvent({ userId: null, label: "test" }, endpointId)));
  while (receiver.requests.length === 0) {
    assert.ok(Date.now() - t < 900, "delivered before the next 1 s tick would have");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(receiver.badSignatures, 0);
});

it("prunes deliveries finished more than 30 days ago, in batches, and keeps the rest", async () => {
  const day = 86_400_000;
  const now = Date.now();
  const row = (finished: "delivered" | "failed" | null, daysAgo: number) => ({
    id: randomUUID(),
    endpointId,
    messageId: `msg_${randomUUID()}`,
    eventType: "webhook.test",
    payload: "{}",
    createdAt: new Date(now - daysAgo * day),
    nextAttemptAt: new Date(now + day), // not due: the running worker leaves them alone
    deliveredAt: finished === "delivered" ? new Date(now - daysAgo * day) : null,
    failedAt: finished === "failed" ? new Date(now - daysAgo * day) : null,
  });
  const old = [...Array.from({ length: 1_200 }, () => row("delivered", 31)), row("failed", 40)];
  const kept = [row("delivered", 29), row(null, 31)];
  for (let i = 0; i < old.length; i += 200) await db.insert(webhookOutbox).values(old.slice(i, i + 200));
  await db.insert(webhookOutbox).values(kept);
  assert.equal(await pruneWebhookOutbox(now), old.length);
  for (const r of kept) assert.equal((await db.select().from(webhookOutbox).where(eq(webhookOutbox.id, r.id))).length, 1);
});
