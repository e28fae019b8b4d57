import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { SERVICE_IDS, type ServiceId } from "@/db/schema";
import { bucketSince, detailStartsWith, HOUR_MS, instant, SERVICE_LEVEL_PREFIX, TRANSIENT_PREFIX } from "@/lib/admin/system/sql";

/**
 * What became of a refresh, by whose problem it was: it worked; the service failed (5xx, timeout, network);
 * the service refused TrainLink's own client credentials (an operator problem); the athlete must reconnect.
 */
export const REFRESH_OUTCOMES = ["success", "service_failure", "credentials_refused", "reconnect"] as const;
export type RefreshOutcome = (typeof REFRESH_OUTCOMES)[number];

/** One hour of one service's refreshes: the hour's start (UTC) and how many refreshes ended each way. */
export interface HourOutcomes {
  startsAt: Date;
  counts: Record<RefreshOutcome, number>;
}

/** The number of hours the System page shows: the current hour and the 23 before it. */
export const OUTCOME_HOURS = 24;

/** The first hour of the window that ends with the hour holding `nowMs` (milliseconds since the epoch). */
export function outcomeWindowStart(nowMs: number): Date {
  return new Date(Math.floor(nowMs / HOUR_MS) * HOUR_MS - (OUTCOME_HOURS - 1) * HOUR_MS);
}

const OUTCOME_SQL = sql`CASE
  WHEN kind = 'refreshed' THEN 'success'
  WHEN kind = 'needs_reauth' THEN 'reconnect'
  WHEN ${detailStartsWith(sql`detail`, SERVICE_LEVEL_PREFIX)} THEN 'credentials_refused'
  WHEN ${detailStartsWith(sql`detail`, TRANSIENT_PREFIX)} THEN 'service_failure'
END`;

/**
 * Refresh outcomes per service and hour over the OUTCOME_HOURS (24) whole UTC hours ending with the one holding
 * `nowMs` (milliseconds since the epoch; events after `nowMs` are left out), from connection_events in ONE query
 * (GROUP BY service, hour bucket, outcome), served by connection_events_at_idx:
 * `refreshed` → success; `refresh_failed` whose detail begins "transient (" → service failure, "service-level ("
 * → credentials refused; `needs_reauth` → reconnect (its companion `refresh_failed` "refused: …" is not counted
 * twice). Every service of SERVICE_IDS gets 24 hours, oldest first, zeros included.
 */
export async function refreshOutcomesByHour(nowMs = Date.now()): Promise<Record<ServiceId, HourOutcomes[]>> {
  const start = outcomeWindowStart(nowMs);
  const { rows } = await db.execute<{ service: ServiceId; bucket: number; outcome: RefreshOutcome; n: number | string }>(sql`
    SELECT service, bucket, outcome, count(*) AS n FROM (
      SELECT service, ${bucketSince(sql`created_at`, start, HOUR_MS)} AS bucket, ${OUTCOME_SQL} AS outcome
      FROM connection_events
      WHERE created_at >= ${instant(start)} AND created_at <= ${instant(new Date(nowMs))} AND kind IN ('refreshed', 'refresh_failed', 'needs_reauth')
    ) e
    WHERE outcome IS NOT NULL
    GROUP BY service, bucket, outcome`);
  const empty = () =>
    Array.from({ length: OUTCOME_HOURS }, (_, hour) => ({
      startsAt: new Date(start.getTime() + hour * HOUR_MS),
      counts: { success: 0, service_failure: 0, credentials_refused: 0, reconnect: 0 },
    }));
  const result = Object.fromEntries(SERVICE_IDS.map((id) => [id, empty()])) as Record<ServiceId, HourOutcomes[]>;
  for (const row of rows) {
    const hour = result[row.service]?.[Number(row.bucket)];
    if (hour) hour.counts[row.outcome] += Number(row.n);
  }
  return result;
}
