import "server-only";
import { and, asc, inArray, isNull, lt, lte, or } from "drizzle-orm";
import { db } from "@/db";
import { webhookOutbox } from "@/db/schema";
import { env } from "@/lib/env";

/**
 * The webhook outbox's scheduling rules (DESIGN.md "Outbox and worker"; docs/database.md rule 6): rows are claimed
 * under a lease with one statement, retried with exponential backoff for 24 hours from the event on, and pruned 30
 * days after they were delivered or given up.
 */

export type WebhookDelivery = typeof webhookOutbox.$inferSelect;

/** How long deliveries are retried, in milliseconds from the event (the row's createdAt): 24 hours. */
export const RETRY_WINDOW_MS = 24 * 3_600_000;
/** The first retry's delay, in milliseconds (then doubling). */
export const RETRY_BASE_MS = 5_000;
/** The longest delay between two attempts, and the most a Retry-After is honoured, in milliseconds: 1 hour. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/** How long a claimed delivery stays with its worker, in milliseconds: well beyond one attempt's WEBHOOK_TIMEOUT_MS. */
export function webhookLeaseMs(): number {
  return env.WEBHOOK_TIMEOUT_MS + 60_000;
}

/**
 * The delay before the next attempt after the `attempts`-th failed one, in milliseconds: `baseMs` doubling per
 * attempt, at most MAX_RETRY_DELAY_MS, with ±25 % jitter so receivers recovering from an outage are not hit by
 * every delivery at once. A Retry-After (`retryAfterMs`, from a 429 or 503) is honoured when longer, up to
 * MAX_RETRY_DELAY_MS. `baseMs` and `maxMs` change the schedule for tests and the bench only.
 */
export function webhookBackoffMs(attempts: number, retryAfterMs: number | null = null, baseMs = RETRY_BASE_MS, maxMs = MAX_RETRY_DELAY_MS): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), maxMs);
  const jittered = Math.round(exponential * (0.75 + Math.random() * 0.5));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, maxMs));
}

/**
 * Claims for `owner` up to `limit` deliveries due at `nowMs` (milliseconds since the epoch), the longest waiting
 * first, whose lease is free: one statement (`UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED on
 * PostgreSQL]) RETURNING *`) through webhook_outbox_due_idx, so instances claiming at once take disjoint sets.
 */
export async function claimDueWebhooks(owner: string, limit: number, nowMs = Date.now()): Promise<WebhookDelivery[]> {
  const now = new Date(nowMs);
  const leaseFree = or(isNull(webhookOutbox.leaseUntil), lt(webhookOutbox.leaseUntil, now));
  const candidates = db
    .select({ id: webhookOutbox.id })
    .from(webhookOutbox)
    .where(and(isNull(webhookOutbox.deliveredAt), isNull(webhookOutbox.failedAt), lte(webhookOutbox.nextAttemptAt, now), leaseFree))
    .orderBy(asc(webhookOutbox.nextAttemptAt))
    .limit(limit);
  const chosen = db.engine === "postgres" ? candidates.for("update", { skipLocked: true }) : candidates;
  return db
    .update(webhookOutbox)
    .set({ leaseOwner: owner, leaseUntil: new Date(nowMs + webhookLeaseMs()) })
    .where(and(inArray(webhookOutbox.id, chosen), leaseFree))
    .returning();
}

/** Days a delivered (or given-up) delivery stays in the log. */
export const WEBHOOK_RETENTION_DAYS = 30;

/**
 * Deletes deliveries delivered or given up more than WEBHOOK_RETENTION_DAYS before `nowMs` (milliseconds since the
 * epoch), in batches of 1,000 so no statement holds the database for long. Resolves to the number deleted.
 */
export async function pruneWebhookOutbox(nowMs = Date.now()): Promise<number> {
  const cutoff = new Date(nowMs - WEBHOOK_RETENTION_DAYS * 86_400_000);
  let deleted = 0;
  for (;;) {
    const batch = db
      .select({ id: webhookOutbox.id })
      .from(webhookOutbox)
      .where(or(lt(webhookOutbox.deliveredAt, cutoff), lt(webhookOutbox.failedAt, cutoff)))
      .limit(1_000);
    const gone = await db.delete(webhookOutbox).where(inArray(webhookOutbox.id, batch)).returning({ id: webhookOutbox.id });
    deleted += gone.length;
    if (gone.length < 1_000) return deleted;
  }
}
