import "server-only";
import { and, inArray, isNull, lt, lte, or, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { db } from "@/db";
import { invitations, oauthFlows, passwordResets, revokedSessions, signInThrottle } from "@/db/schema";
import { QUIET_RESET_MS } from "@/lib/auth/throttle";
import { pruneRefreshEvents, pruneWebhookDeliveries } from "@/lib/connections/retention";
import { FLOW_RETENTION_MS } from "@/lib/linking/flows";
import { errorFields, log } from "@/lib/log";

/** Days an invitation that expired unused is kept after its expiry (used ones stay: they record who joined). */
export const EXPIRED_INVITATION_RETENTION_DAYS = 30;

/** `batch`: rows per statement; `maxRows`: at most this many rows per call (the hourly job goes on next time). */
export interface PruneLimits {
  batch?: number;
  maxRows?: number;
}

/**
 * Deletes the rows of `table` matching `where`, at most `batch` per statement (`DELETE … WHERE key IN (SELECT key
 * … LIMIT n) AND <where>`: one atomic statement, and on PostgreSQL a row changed meanwhile so that it no longer
 * matches is skipped), yielding to other work between statements, until none is left or `maxRows` were deleted.
 * Resolves to the number deleted.
 */
async function deleteInBatches(
  table: PgTable,
  key: PgColumn,
  where: SQL | undefined,
  { batch = 1_000, maxRows = 200_000 }: PruneLimits,
): Promise<number> {
  let deleted = 0;
  while (deleted < maxRows) {
    const limit = Math.min(batch, maxRows - deleted);
    const due = db.select({ key }).from(table).where(where).limit(limit);
    const gone = await db
      .delete(table)
      .where(and(inArray(key, due), where))
      .returning({ key });
    deleted += gone.length;
    if (gone.length < limit) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return deleted;
}

/**
 * Deletes sign_in_throttle rows whose last failure is at least QUIET_RESET_MS (a day) before `nowMs` (milliseconds
 * since the epoch): the throttle already ignores them, and the next failure on such a key would start at 1 anyway.
 * Resolves to the number deleted.
 */
export async function pruneSignInThrottle(nowMs = Date.now(), limits: PruneLimits = {}): Promise<number> {
  return await deleteInBatches(signInThrottle, signInThrottle.key, lte(signInThrottle.lastFailureAt, new Date(nowMs - QUIET_RESET_MS)), limits);
}

/**
 * Deletes oauth_flows rows that expired, or were consumed, more than FLOW_RETENTION_MS (a day) before `nowMs`
 * (milliseconds since the epoch). A flow still open is never touched. Resolves to the number deleted.
 */
export async function pruneOAuthFlows(nowMs = Date.now(), limits: PruneLimits = {}): Promise<number> {
  const cutoff = new Date(nowMs - FLOW_RETENTION_MS);
  return await deleteInBatches(oauthFlows, oauthFlows.stateHash, or(lt(oauthFlows.expiresAt, cutoff), lt(oauthFlows.consumedAt, cutoff)), limits);
}

/**
 * Deletes revoked_sessions rows whose `expires_at` is before `nowMs` (milliseconds since the epoch): the cookie they
 * revoke has expired and can no longer be presented. Resolves to the number deleted.
 */
export async function pruneRevokedSessions(nowMs = Date.now(), limits: PruneLimits = {}): Promise<number> {
  return await deleteInBatches(revokedSessions, revokedSessions.sid, lt(revokedSessions.expiresAt, new Date(nowMs)), limits);
}

/**
 * Deletes invitations that were never used and expired more than EXPIRED_INVITATION_RETENTION_DAYS (30) before
 * `nowMs` (milliseconds since the epoch). Used invitations stay; coaches see only open ones and those used in
 * the last 30 days (listInvitations), never expired unused ones, so no page lists the deleted rows (an old link then reads "not valid" instead of
 * "expired on …"). Resolves to the number deleted.
 */
export async function pruneExpiredInvitations(nowMs = Date.now(), limits: PruneLimits = {}): Promise<number> {
  const cutoff = new Date(nowMs - EXPIRED_INVITATION_RETENTION_DAYS * 86_400_000);
  return await deleteInBatches(invitations, invitations.id, and(isNull(invitations.usedAt), lt(invitations.expiresAt, cutoff)), limits);
}

/** How long a password-reset row is kept after its link expired, in milliseconds (1 day); the audit log keeps the history. */
export const PASSWORD_RESET_RETENTION_MS = 86_400_000;

/**
 * Deletes password_resets rows whose link expired more than PASSWORD_RESET_RETENTION_MS before `nowMs`
 * (milliseconds since the epoch), used or not: they only served the link and the per-hour limit. Resolves to the
 * number deleted.
 */
export async function prunePasswordResets(nowMs = Date.now(), limits: PruneLimits = {}): Promise<number> {
  return await deleteInBatches(
    passwordResets,
    passwordResets.id,
    lt(passwordResets.expiresAt, new Date(nowMs - PASSWORD_RESET_RETENTION_MS)),
    limits,
  );
}

/** A table's prune: deletes what is past its retention as of `nowMs` (milliseconds since the epoch), resolves to the count. */
type Prune = (nowMs: number) => Promise<number>;

/** The tables housekeeping prunes, each with its prune. */
const PRUNES = {
  connection_events: pruneRefreshEvents,
  webhook_deliveries: pruneWebhookDeliveries,
  sign_in_throttle: pruneSignInThrottle,
  oauth_flows: pruneOAuthFlows,
  revoked_sessions: pruneRevokedSessions,
  invitations: pruneExpiredInvitations,
  password_resets: prunePasswordResets,
} satisfies Record<string, Prune>;

/** Rows deleted per table by one housekeeping run; null where that table's prune failed. */
export type HousekeepingCounts<T extends string = keyof typeof PRUNES> = Record<T, number | null>;

/**
 * Prunes every table that would otherwise only grow, as of `nowMs` (milliseconds since the epoch), one table after
 * the other; the refresher calls it hourly. A failing prune is logged by table and error name only (never a
 * message, which could carry data), counts as null, and does not stop the others. Never throws. `prunes` is for
 * tests (default: every table's prune).
 */
export async function runHousekeeping<T extends string = keyof typeof PRUNES>(
  nowMs = Date.now(),
  prunes: Record<T, Prune> = PRUNES as Record<string, Prune> as Record<T, Prune>,
): Promise<HousekeepingCounts<T>> {
  const counts = {} as HousekeepingCounts<T>;
  for (const [table, prune] of Object.entries(prunes) as [T, Prune][]) {
    try {
      counts[table] = await prune(nowMs);
    } catch (error) {
      counts[table] = null;
      log.error({ component: "housekeeping", table, ...errorFields(error) }, "pruning failed");
    }
  }
  return counts;
}
