import "server-only";
import { and, desc, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { webhookEndpoints, webhookOutbox } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { cursorCodec } from "@/lib/keyset";
import type { Outcome } from "@/lib/result";
import type { WebhookActor } from "@/lib/webhooks/endpoints";
import { insertDeliveries, wakeWebhookWorker } from "@/lib/webhooks/enqueue";
import { TEST_EVENT_TYPE } from "@/lib/webhooks/event-types";

/** One delivery as the delivery log shows it: never the payload's secret parts (there are none) nor the signature. */
export interface WebhookDeliveryView {
  id: string;
  /** The Standard Webhooks `webhook-id`, the same on every retry and redelivery. */
  messageId: string;
  eventType: string;
  /** `pending` (not tried yet), `retrying` (failed, tried again at nextAttemptAt), `delivered` or `failed` (given up). */
  status: "pending" | "retrying" | "delivered" | "failed";
  /** When it was queued: the event's time, or the last redelivery's. */
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  /** How long the last attempt took, in milliseconds. */
  lastLatencyMs: number | null;
  deliveredAt: Date | null;
  failedAt: Date | null;
}

export const DELIVERIES_PAGE_SIZE = 25;

/** Where a page of the delivery log starts: the (createdAt in ms, id) of the last row of the previous page. */
const deliveriesCursor = cursorCodec(z.tuple([z.number().int(), z.string().max(100)]));

type Row = typeof webhookOutbox.$inferSelect;

function toView(row: Omit<Row, "payload" | "endpointId" | "leaseOwner" | "leaseUntil">): WebhookDeliveryView {
  const status = row.deliveredAt ? "delivered" : row.failedAt ? "failed" : row.attempts > 0 ? "retrying" : "pending";
  return {
    id: row.id,
    messageId: row.messageId,
    eventType: row.eventType,
    status,
    createdAt: row.createdAt,
    attempts: row.attempts,
    nextAttemptAt: status === "retrying" || status === "pending" ? row.nextAttemptAt : null,
    lastAttemptAt: row.lastAttemptAt,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    lastLatencyMs: row.lastLatencyMs,
    deliveredAt: row.deliveredAt,
    failedAt: row.failedAt,
  };
}

/**
 * One page of endpoint `endpointId`'s delivery log, newest first (createdAt, then id), by keyset through
 * webhook_outbox_endpoint_idx: `cursor` is the `next` of the previous page (one that is not ours starts at the
 * top); `limit` rows (default 25, at most 100). Resolves to the rows and the next page's cursor (null at the end).
 */
export async function listDeliveries(
  endpointId: string,
  options: { cursor?: string; limit?: number },
): Promise<{ rows: WebhookDeliveryView[]; next: string | null }> {
  const limit = Number.isFinite(options.limit) ? Math.min(Math.max(1, Math.floor(options.limit!)), 100) : DELIVERIES_PAGE_SIZE;
  const after = deliveriesCursor.decode(options.cursor);
  const afterAt = after ? new Date(after[0]) : null;
  const rows = await db
    .select({
      id: webhookOutbox.id,
      messageId: webhookOutbox.messageId,
      eventType: webhookOutbox.eventType,
      createdAt: webhookOutbox.createdAt,
      attempts: webhookOutbox.attempts,
      nextAttemptAt: webhookOutbox.nextAttemptAt,
      lastAttemptAt: webhookOutbox.lastAttemptAt,
      lastStatusCode: webhookOutbox.lastStatusCode,
      lastError: webhookOutbox.lastError,
      lastLatencyMs: webhookOutbox.lastLatencyMs,
      deliveredAt: webhookOutbox.deliveredAt,
      failedAt: webhookOutbox.failedAt,
    })
    .from(webhookOutbox)
    .where(
      and(
        eq(webhookOutbox.endpointId, endpointId),
        after && afterAt
          ? or(lt(webhookOutbox.createdAt, afterAt), and(eq(webhookOutbox.createdAt, afterAt), lt(webhookOutbox.id, after[1])))
          : undefined,
      ),
    )
    .orderBy(desc(webhookOutbox.createdAt), desc(webhookOutbox.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page.map(toView), next: rows.length > limit && last ? deliveriesCursor.encode([last.createdAt.getTime(), last.id]) : null };
}

/**
 * Sends delivery `deliveryId` again (delivered or failed ones; one still waiting is already going): same
 * `webhook-id` and payload, due at once, attempts counted afresh, with a new 24-hour retry window from now.
 * Records `webhook_endpoint_updated`. A Failure when it does not exist, is still waiting, or its endpoint is disabled.
 */
export async function redeliver(actor: WebhookActor, deliveryId: string): Promise<Outcome> {
  const result = await db.transaction(async (tx): Promise<Outcome> => {
    const row = await tx
      .select({
        id: webhookOutbox.id,
        messageId: webhookOutbox.messageId,
        eventType: webhookOutbox.eventType,
        url: webhookEndpoints.url,
        disabledAt: webhookEndpoints.disabledAt,
      })
      .from(webhookOutbox)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookOutbox.endpointId))
      .where(eq(webhookOutbox.id, deliveryId))
      .limit(1)
      .then(firstRow);
    if (!row) return { error: "That delivery no longer exists (deliveries are kept 30 days). Reload the page." };
    if (row.disabledAt) return { error: "The endpoint is disabled: re-enable it first, then redeliver." };
    const now = new Date();
    const updated = await tx
      .update(webhookOutbox)
      .set({ deliveredAt: null, failedAt: null, attempts: 0, nextAttemptAt: now, createdAt: now, leaseOwner: null, leaseUntil: null })
      .where(
        and(
          eq(webhookOutbox.id, deliveryId),
          or(isNull(webhookOutbox.leaseUntil), lt(webhookOutbox.leaseUntil, now)),
          or(isNotNull(webhookOutbox.deliveredAt), isNotNull(webhookOutbox.failedAt)),
        ),
      )
      .returning({ id: webhookOutbox.id });
    if (updated.length === 0) return { error: "That delivery is still being sent or retried; wait for it to finish, then redeliver." };
    await recordAdminAction(
      {
        actorId: actor.userId,
        kind: "webhook_endpoint_updated",
        detail: `${row.url}: redelivery of ${row.eventType} ${row.messageId} by ${actor.label}`,
      },
      tx,
    );
    return { ok: `Queued ${row.eventType} (${row.messageId}) for delivery again.` };
  });
  if (!("error" in result)) wakeWebhookWorker();
  return result;
}

/**
 * Queues a `webhook.test` event for endpoint `endpointId` (whatever it subscribes to), delivered like any other
 * (signed, retried), and records `webhook_endpoint_updated`. A Failure when the endpoint does not exist or is disabled.
 */
export async function sendTestEvent(actor: WebhookActor, endpointId: string): Promise<Outcome> {
  return db.transaction(async (tx): Promise<Outcome> => {
    const endpoint = await tx
      .select({ url: webhookEndpoints.url, disabledAt: webhookEndpoints.disabledAt })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpointId))
      .limit(1)
      .then(firstRow);
    if (!endpoint) return { error: "That webhook endpoint no longer exists. Reload the page." };
    if (endpoint.disabledAt) return { error: "The endpoint is disabled: re-enable it first, then send a test event." };
    const at = new Date();
    const payload = {
      type: TEST_EVENT_TYPE,
      timestamp: at.toISOString(),
      data: { endpoint_id: endpointId, message: `A test event sent by ${actor.label} from TrainLink's Webhooks page.` },
    };
    await insertDeliveries(tx, [endpointId], TEST_EVENT_TYPE, JSON.stringify(payload), at);
    await recordAdminAction(
      { actorId: actor.userId, kind: "webhook_endpoint_updated", detail: `${endpoint.url}: test event sent by ${actor.label}` },
      tx,
    );
    return { ok: "Test event queued. It appears in the delivery log below within seconds." };
  });
}
