import "server-only";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { countUpTo, type BoundedCount } from "@/db/count";
import { firstRow } from "@/db/first";
import { accounts, SERVICE_IDS, users, type ServiceId } from "@/db/schema";
import { LISTABLE_STATUSES, statusCondition, type ListableStatus } from "@/lib/connections/status-sql";
import { STATUS_LABELS } from "@/lib/connections/status";
import { env } from "@/lib/env";
import { getIntegration } from "@/lib/integrations/registry";

/**
 * The admin connections list's filters, as bulk actions take them (form fields or a query string): a service, a
 * derived status, an athlete id. Anything malformed counts as absent, as on the list page, so a bulk action
 * always acts on exactly what the page showed for the same values.
 */
export const bulkFilterSchema = z.object({
  service: z.enum(SERVICE_IDS).optional().catch(undefined),
  status: z.enum(LISTABLE_STATUSES).optional().catch(undefined),
  athlete: z.string().max(100).optional().catch(undefined),
});
export type BulkFilter = { service?: ServiceId; status?: ListableStatus; athlete?: string };

/** Statuses whose connections hold no grant: nothing to revoke (the list page shows no Revoke for them). */
const GONE_STATUSES: ReadonlySet<ListableStatus> = new Set(["not_connected", "revoked_by_service"]);

/**
 * The SQL condition for the rows matching `filter` at `nowMs` (milliseconds), the same one listConnectionsPage
 * builds: service, derived status (statusCondition, with REFRESH_MARGIN_SECONDS), athlete. Undefined for no filter.
 */
export function bulkFilterWhere(filter: BulkFilter, nowMs: number): SQL | undefined {
  return and(
    filter.service ? eq(accounts.provider, filter.service) : undefined,
    filter.status ? statusCondition(filter.status, nowMs, env.REFRESH_MARGIN_SECONDS) : undefined,
    filter.athlete ? eq(accounts.userId, filter.athlete) : undefined,
  );
}

/**
 * Rows whose derived status is neither not_connected nor revoked_by_service, i.e. a per-row Revoke would be
 * offered (a live state, and a connected row still holding its access token). statusCondition's complement.
 */
export function revocableCondition(): SQL {
  return sql`((${accounts.state} = 'connected' AND ${accounts.accessToken} IS NOT NULL) OR ${accounts.state} IN ('needs_reauth', 'revocation_pending'))`;
}

/** What a bulk bar says about `filter`: how many rows match, how many of them a bulk revoke would act on. */
export interface BulkCounts {
  matching: BoundedCount;
  revocable: BoundedCount;
}

/**
 * The counts for the bulk bar, given `matching` (the list's own countUpTo total, reused; pass its promise so the
 * queries overlap). The revocable count costs a query only when no status is filtered: a revocable status means
 * every match is revocable, a gone one none. Both counts stop at countUpTo's cap (10,000).
 */
export async function countBulk(filter: BulkFilter, matching: Promise<BoundedCount>, nowMs = Date.now()): Promise<BulkCounts> {
  if (filter.status) {
    const total = await matching;
    return { matching: total, revocable: GONE_STATUSES.has(filter.status) ? { count: 0, more: false } : total };
  }
  const [total, revocable] = await Promise.all([matching, countUpTo(accounts, and(bulkFilterWhere(filter, nowMs), revocableCondition()))]);
  return { matching: total, revocable };
}

/** The athlete's name for an athlete filter (id), or null when there is none or it names nobody. */
export async function athleteNameOf(athleteId: string | undefined): Promise<string | null> {
  if (!athleteId) return null;
  const row = await db.select({ name: users.name }).from(users).where(eq(users.id, athleteId)).limit(1).then(firstRow);
  return row?.name ?? null;
}

/**
 * `count` connections described in words with `filter`: "37 TrainerDay connections with status Needs reconnect",
 * "1 connection of Ada Lovelace", "12 connections". `athleteName` names the athlete filter (athleteNameOf).
 */
export function describeBulkSelection(count: string | number, filter: BulkFilter, athleteName: string | null): string {
  const n = typeof count === "number" ? count.toLocaleString("en-US") : count;
  const service = filter.service ? `${getIntegration(filter.service).name} ` : "";
  const noun = n === "1" ? "connection" : "connections";
  const of = filter.athlete ? ` of ${athleteName ?? "an athlete who no longer exists"}` : "";
  const status = filter.status ? ` with status ${STATUS_LABELS[filter.status]}` : "";
  return `${n} ${service}${noun}${of}${status}`;
}

/** The filters of `filter` as one line for the audit log: "service=trainerday status=needs_reauth athlete=<id>", or "no filters". */
export function filterDetail(filter: BulkFilter): string {
  const parts = [
    filter.service ? `service=${filter.service}` : null,
    filter.status ? `status=${filter.status}` : null,
    filter.athlete ? `athlete=${filter.athlete}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : "no filters";
}
