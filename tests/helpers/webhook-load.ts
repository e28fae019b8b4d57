/**
 * The webhook load run shared by lib/webhooks/delivery-load.test.ts and bench/webhook-delivery.ts: one endpoint on
 * a local receiver (tests/helpers/webhook-receiver.ts) that fails `failRate` of requests at random (500s, 429s,
 * dropped connections and answers that never come), `events` connection events written through recordEvent (the
 * real path: each one's delivery in its transaction), then the outbox delivered by passes of deliverDueWebhooks
 * until every delivery is done. Needs WEBHOOK_ALLOW_PRIVATE_NETWORKS=true and a migrated database.
 */
import { randomUUID } from "node:crypto";
import { count, isNull } from "drizzle-orm";
import { db } from "@/db";
import { users, webhookOutbox } from "@/db/schema";
import { recordEvent } from "@/lib/connections/events";
import { deliverDueWebhooks } from "@/lib/webhooks/deliver";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { startWebhookReceiver } from "./webhook-receiver";

export interface WebhookLoadResult {
  /** The endpoint the load created (delete it to drop its deliveries). */
  endpointId: string;
  events: number;
  /** Writing the events (and their deliveries), in milliseconds. */
  enqueueMs: number;
  /** From the first delivery pass until every delivery was done, in milliseconds. */
  deliverMs: number;
  perSecond: number;
  requests: number;
  failedRequests: number;
  accepted: number;
  duplicates: number;
  lost: number;
  badSignatures: number;
  givenUp: number;
}

/**
 * Runs the load: `events` events, a receiver failing `failRate` (0..1) of requests, `concurrency` deliveries in
 * flight, retries after `retryBaseMs` (default 50 ms, doubling up to `maxRetryDelayMs`, default 1 s: the production
 * schedule's 5 s to 1 h would make the figure measure waiting rather than delivery; a 429's Retry-After of 1 s is
 * still honoured), a
 * `hang` answer held `hangMs` (longer than WEBHOOK_TIMEOUT_MS). Resolves to the counts: duplicates are webhook-ids
 * accepted more than once, losses ids never accepted.
 */
export async function runWebhookLoad(options: {
  events: number;
  failRate: number;
  concurrency?: number;
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  hangMs?: number;
}): Promise<WebhookLoadResult> {
  const receiver = await startWebhookReceiver({ hangMs: options.hangMs ?? 3_000 });
  try {
    const created = await createWebhookEndpoint(
      { userId: null, label: "load" },
      { url: `${receiver.origin}/load`, events: ["connection.refresh_failed"] },
    );
    if ("error" in created) throw new Error(created.error);
    receiver.setSecret(created.secret);
    let failedRequests = 0;
    receiver.behave(() => {
      const r = Math.random();
      if (r >= options.failRate) return { status: 200 };
      failedRequests += 1;
      const share = r / options.failRate;
      if (share < 0.5) return { status: 500 };
      if (share < 0.8) return share < 0.65 ? { status: 429, headers: { "retry-after": "1" } } : { status: 429 };
      if (share < 0.93) return "drop";
      return "hang";
    });
    const athleteId = randomUUID();
    await db.insert(users).values({ id: athleteId, email: `${athleteId}@load.example`, name: "Load", role: "athlete" });
    let t = performance.now();
    for (let i = 0; i < options.events; i += 1) {
      await recordEvent({ actorId: null, athleteId, service: "enduco", kind: "refresh_failed", detail: `load event ${i}` });
    }
    const enqueueMs = Math.round(performance.now() - t);
    t = performance.now();
    const deadline = Date.now() + 300_000;
    let givenUp = 0;
    for (;;) {
      const pass = await deliverDueWebhooks({
        concurrency: options.concurrency ?? 64,
        retryBaseMs: options.retryBaseMs ?? 50,
        maxRetryDelayMs: options.maxRetryDelayMs ?? 1_000,
      });
      givenUp += pass.failed;
      const [waiting] = await db.select({ n: count() }).from(webhookOutbox).where(isNull(webhookOutbox.deliveredAt));
      if ((waiting?.n ?? 0) - givenUp <= 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const deliverMs = Math.round(performance.now() - t);
    const counts = [...receiver.accepted.values()];
    return {
      endpointId: created.endpoint.id,
      events: options.events,
      enqueueMs,
      deliverMs,
      perSecond: Math.round((options.events / Math.max(deliverMs, 1)) * 1000),
      requests: receiver.requests.length,
      failedRequests,
      accepted: receiver.accepted.size,
      duplicates: counts.reduce((sum, n) => sum + n - 1, 0),
      lost: options.events - receiver.accepted.size,
      badSignatures: receiver.badSignatures,
      givenUp,
    };
  } finally {
    await receiver.stop();
  }
}
