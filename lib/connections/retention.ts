import "server-only";
import { and, eq, inArray, lt } from "drizzle-orm";
import { db } from "@/db";
import { connectionEvents, webhookDeliveries } from "@/db/schema";
import { env } from "@/lib/env";

/**
 * Deletes routine `refreshed` events older than REFRESH_EVENTS_RETENTION_DAYS (default 30) before `nowMs`
 * (milliseconds since the epoch), `batch` rows per short transaction, yielding to other requests
 * between batches, and at most `maxRows` per call (the next call goes on: the refresher calls it hourly).
 * Every other kind (links, failures, needs-reconnect, revocations, webhooks) is kept for good. Resolves to
 * the number deleted; 0 when retention is 0 (keep everything).
 *
 * Why: each connection with hourly access tokens adds about 24 `refreshed` rows a day. At 5,000 athletes with
 * three such services that is some 360,000 rows a day, so the table would grow without bound.
 */
export async function pruneRefreshEvents(nowMs = Date.now(), { batch = 1_000, maxRows = 200_000 } = {}): Promise<number> {
  if (env.REFRESH_EVENTS_RETENTION_DAYS === 0) return 0;
  const cutoff = new Date(nowMs - env.REFRESH_EVENTS_RETENTION_DAYS * 86_400_000);
  let deleted = 0;
  for (;;) {
    const removed = await db.transaction(async (tx) => {
      const ids = (
        await tx
          .select({ id: connectionEvents.id })
          .from(connectionEvents)
          .where(and(lt(connectionEvents.at, cutoff), eq(connectionEvents.kind, "refreshed")))
          .limit(batch)
      ).map((r) => r.id);
      if (ids.length) await tx.delete(connectionEvents).where(inArray(connectionEvents.id, ids));
      return ids.length;
    });
    deleted += removed;
    if (removed < batch || deleted >= maxRows) return deleted;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Deletes webhook_deliveries rows older than WEBHOOK_DELIVERIES_RETENTION_DAYS (default 30) before `nowMs`
 * (milliseconds since the epoch), in batches of `batch` rows, at most `maxRows` per call; resolves to the number
 * deleted (0 when the retention is 0). What a delivery changed stays in connection_events.
 */
export async function pruneWebhookDeliveries(nowMs = Date.now(), { batch = 1_000, maxRows = 200_000 } = {}): Promise<number> {
  if (env.WEBHOOK_DELIVERIES_RETENTION_DAYS === 0) return 0;
  const cutoff = new Date(nowMs - env.WEBHOOK_DELIVERIES_RETENTION_DAYS * 86_400_000);
  let deleted = 0;
  for (;;) {
    const ids = (await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(lt(webhookDeliveries.at, cutoff)).limit(batch)).map(
      (r) => r.id,
    );
    if (ids.length) await db.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, ids));
    deleted += ids.length;
    if (ids.length < batch || deleted >= maxRows) return deleted;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
