import "server-only";
import { and, asc, desc, eq, gt, lte } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, connectionEvents, jobRuns, users, type ServiceId } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { athleteNameOf, bulkFilterWhere, filterDetail, revocableCondition, type BulkFilter } from "@/lib/admin/bulk-filter";
import { revokeConnectionAsAdmin } from "@/lib/admin/connections";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { leaseMs } from "@/lib/connections/lease";
import { getIntegration } from "@/lib/integrations/registry";
import { failed, type Result } from "@/lib/result";

/** Connections per server-action call of a bulk revoke: small, so progress moves and Stop takes effect soon. */
export const BULK_REVOKE_BATCH_SIZE = 10;
/** The most one bulk revoke may confirm: countUpTo's cap, the largest count the page can state exactly. */
export const BULK_REVOKE_MAX = 10_000;
/** Revocations of one batch in flight at once (each may wait for a service, up to OUTBOUND_TIMEOUT_MS). */
const PARALLEL = 5;
/** The job_runs row whose claim lets one batch at a time, across runs and instances, pick and revoke rows. */
const LOCK_NAME = "bulk_revoke";
const FREE = new Date(0);

/** Where a bulk revoke stands; the client sends it back with each call (the server re-checks every bound). */
export interface BulkRevokeRun {
  filter: BulkFilter;
  /** How many connections the admin confirmed: the run never attempts more. */
  confirmed: number;
  /** How many it has attempted so far (revoked, pending or failed). */
  processed: number;
  /** The id of the last connection attempted (rows are taken in id order), or null at the start. */
  after: string | null;
}

/**
 * One connection of a batch and what became of it: revoked (at the service, or wiped here when it has no
 * endpoint), refused (the service refused; ended here all the same, as the athlete's Disconnect), pending (the
 * service could not be reached; retried by the background refresher) or failed (not revoked). `reason` is the
 * sentence the per-row Revoke would show, for all but revoked.
 */
export interface BulkRevokeItem {
  id: string;
  athleteName: string;
  serviceName: string;
  outcome: "revoked" | "refused" | "pending" | "failed";
  reason?: string;
}

/** A batch's answer: another batch holds the lock (call again shortly), or what it did and where the run now stands. */
export type BulkRevokeBatch = { busy: true } | { busy: false; items: BulkRevokeItem[]; processed: number; after: string | null; done: boolean };

/**
 * Records the start of a bulk revoke of up to `confirmed` connections matching `filter` (1 to BULK_REVOKE_MAX): one
 * `bulk_revoke` admin action with the count and the filters, before any connection is touched, so a run that is
 * stopped or abandoned is on record too. Resolves to a sentence, or a Failure for a count out of range.
 * Throws ForbiddenError unless `viewer` may revoke any connection.
 */
export async function startBulkRevoke(viewer: SessionUser | null, filter: BulkFilter, confirmed: number): Promise<Result<{ ok: string }>> {
  assertCan(viewer, "connections.revoke_any");
  if (!Number.isInteger(confirmed) || confirmed < 1 || confirmed > BULK_REVOKE_MAX)
    return { error: `A bulk revoke covers 1 to ${BULK_REVOKE_MAX.toLocaleString("en-US")} connections; reload the page and try again.` };
  const athleteExists = (await athleteNameOf(filter.athlete)) !== null;
  await recordAdminAction({
    actorId: viewer.id,
    targetUserId: athleteExists ? filter.athlete : null,
    kind: "bulk_revoke",
    service: filter.service ?? null,
    detail: `bulk revoke of up to ${confirmed} connection(s) confirmed (${filterDetail(filter)})`,
  });
  return { ok: `Revoking up to ${confirmed.toLocaleString("en-US")} connection(s).` };
}

/**
 * Revokes the next connections of bulk revoke `run`: the next (in id order after `run.after`) at most `batchSize`
 * rows that match `run.filter` and are revocable now (bulkFilterWhere + revocableCondition, the list's status
 * SQL), never more than `run.confirmed - run.processed`. Each goes through revokeConnectionAsAdmin, the per-row
 * Revoke's path: one `connection_revoked` admin action each, and its connection event(s) (`disconnected`, or
 * `revocation_pending` when the service could not be reached; a refusal by the service adds `revocation_refused`).
 * Each row's outcome is a BulkRevokeItem; a refusal of the per-row path (gone, mid-refresh) is "failed".
 *
 * One batch at a time holds the `bulk_revoke` claim in job_runs (a conditional upsert, docs/database.md rule 6;
 * it lapses after 3 × leaseMs() if its holder dies), and rows are picked under it, so a concurrent or restarted
 * run only sees rows no batch is working on and that are still revocable: none is revoked twice. Resolves to
 * `{ busy: true }` when another batch holds the claim. Throws ForbiddenError unless `viewer` may revoke any connection.
 */
export async function revokeNextBatch(viewer: SessionUser | null, run: BulkRevokeRun, batchSize = BULK_REVOKE_BATCH_SIZE): Promise<BulkRevokeBatch> {
  assertCan(viewer, "connections.revoke_any");
  const limit = Math.min(batchSize, Math.min(run.confirmed, BULK_REVOKE_MAX) - run.processed);
  if (limit <= 0) return { busy: false, items: [], processed: run.processed, after: run.after, done: true };
  const claim = await claimBulkLock();
  if (!claim) return { busy: true };
  try {
    const rows = await db
      .select({ id: accounts.id, athleteId: accounts.userId, athleteName: users.name, service: accounts.provider })
      .from(accounts)
      .innerJoin(users, eq(users.id, accounts.userId))
      .where(and(bulkFilterWhere(run.filter, Date.now()), revocableCondition(), run.after ? gt(accounts.id, run.after) : undefined))
      .orderBy(asc(accounts.id))
      .limit(limit);
    const items: BulkRevokeItem[] = [];
    for (let i = 0; i < rows.length; i += PARALLEL)
      items.push(...(await Promise.all(rows.slice(i, i + PARALLEL).map((row) => revokeOne(viewer, row)))));
    const processed = run.processed + rows.length;
    return { busy: false, items, processed, after: rows.at(-1)?.id ?? run.after, done: rows.length < limit || processed >= run.confirmed };
  } finally {
    await releaseBulkLock(claim);
  }
}

type PickedRow = { id: string; athleteId: string; athleteName: string; service: ServiceId };

/** Revokes one picked row through the per-row path, then tells what became of it from the row and its history. */
async function revokeOne(viewer: SessionUser, row: PickedRow): Promise<BulkRevokeItem> {
  const integration = getIntegration(row.service);
  const base = { id: row.id, athleteName: row.athleteName, serviceName: integration.name };
  const result = await revokeConnectionAsAdmin(viewer, row.id);
  if (failed(result)) return { ...base, outcome: "failed", reason: result.error };
  if (integration.revocation === "none") return { ...base, outcome: "revoked" };
  const now = await db.select({ state: accounts.state }).from(accounts).where(eq(accounts.id, row.id)).limit(1).then(firstRow);
  if (now?.state === "revocation_pending") return { ...base, outcome: "pending", reason: result.ok };
  // A refusal ends the connection here with revocation_refused then disconnected (lib/connections/disconnect.ts).
  const latest = await db
    .select({ kind: connectionEvents.kind })
    .from(connectionEvents)
    .where(and(eq(connectionEvents.athleteId, row.athleteId), eq(connectionEvents.service, row.service)))
    .orderBy(desc(connectionEvents.id))
    .limit(2);
  return latest[1]?.kind === "revocation_refused" ? { ...base, outcome: "refused", reason: result.ok } : { ...base, outcome: "revoked" };
}

/** Claims the bulk-revoke lock (job_runs row `bulk_revoke`, its time the claim's start); the claim time, or null when held. */
async function claimBulkLock(): Promise<Date | null> {
  const now = new Date();
  const claimed = await db
    .insert(jobRuns)
    .values({ name: LOCK_NAME, lastRunAt: now })
    .onConflictDoUpdate({ target: jobRuns.name, set: { lastRunAt: now }, setWhere: lte(jobRuns.lastRunAt, new Date(now.getTime() - 3 * leaseMs())) })
    .returning({ name: jobRuns.name });
  return claimed.length === 1 ? now : null;
}

/** Frees the lock if `claim` still holds it (a lapsed claim someone else took is left alone). */
async function releaseBulkLock(claim: Date): Promise<void> {
  await db
    .update(jobRuns)
    .set({ lastRunAt: FREE })
    .where(and(eq(jobRuns.name, LOCK_NAME), eq(jobRuns.lastRunAt, claim)));
}
