import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { bucketSince, DAY_MS, detailStartsWith, instant, TRANSIENT_PREFIX } from "@/lib/admin/system/sql";

/**
 * The statuses the 30-day chart tells apart, in the admin pages' words (STATUS_LABELS): what the event trail can
 * reconstruct. "connected" folds in `expiring` and `missing_permissions` (the clock and the granted scope, not an
 * event, make those); disconnected connections are not counted.
 */
export const HISTORY_STATUSES = ["connected", "refresh_failing", "needs_reauth", "revocation_pending", "revoked_by_service"] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];

/** One UTC day: its start and how many connections ended it in each status (today: as of now). */
export interface DayCounts {
  day: Date;
  counts: Record<HistoryStatus, number>;
}

/** The number of days the chart shows: today and the 29 before it. */
export const HISTORY_DAYS = 30;

/** The status an event leaves its connection in (CONNECTION_TRANSITIONS' `to`, failures told apart); null: none left. */
const EVENT_STATUS = (e: string) =>
  sql.raw(`CASE ${e}.kind
    WHEN 'linked' THEN 'connected' WHEN 'relinked' THEN 'connected' WHEN 'refreshed' THEN 'connected'
    WHEN 'refresh_failed' THEN 'refresh_failing'
    WHEN 'needs_reauth' THEN 'needs_reauth'
    WHEN 'revocation_pending' THEN 'revocation_pending' WHEN 'revocation_failed' THEN 'revocation_pending'
    WHEN 'deregistered_by_service' THEN 'revoked_by_service'
  END`);

/**
 * What a `refreshed` event's detail says when it ended a run of failures (lib/connections/refresh.ts refreshNow:
 * "recovered after N failed attempt(s)"); lower case, so LIKE matches it alike on both engines. Written into the SQL
 * as a literal: `kind <> 'refreshed' OR detail LIKE '%recovered after %'` is the WHERE of the partial index
 * connection_events_changes_idx, and the planners (SQLite's above all) use that index only when the query
 * repeats its WHERE term, literals and all.
 */
const RECOVERED = "recovered after ";

/**
 * Events that change a connection's status: the transitions' events (state-machine.ts), transient
 * `refresh_failed` (starts or continues a failing run) and the `refreshed` that ends one (RECOVERED). Routine
 * refreshes change nothing and are most of the table, so they are left out early. A "service-level" failure
 * changes no connection, and a "refused: …" one comes with the `needs_reauth` event that says it all.
 */
const CHANGES = (e: string) =>
  sql`${sql.raw(e)}.kind IN ('linked', 'relinked', 'refreshed', 'refresh_failed', 'needs_reauth', 'revocation_pending', 'revocation_failed', 'disconnected', 'deregistered_by_service')
    AND (${sql.raw(e)}.kind <> 'refresh_failed' OR ${detailStartsWith(sql.raw(`${e}.detail`), TRANSIENT_PREFIX)})
    AND (${sql.raw(`${e}.kind <> 'refreshed' OR ${e}.detail LIKE '%${RECOVERED}%'`)})`;

/** The status of a connection row now, as HISTORY_STATUSES names it (status.ts' rules; null when disconnected). */
const ACCOUNT_STATUS = sql.raw(`CASE
    WHEN a.state = 'connected' AND a.access_token IS NOT NULL AND a.failure_count > 0 THEN 'refresh_failing'
    WHEN a.state = 'connected' AND a.access_token IS NOT NULL THEN 'connected'
    WHEN a.state IN ('needs_reauth', 'revocation_pending', 'revoked_by_service') THEN a.state
  END`);

/** The first UTC day of the window that ends with the day holding `nowMs` (milliseconds since the epoch). */
export function historyWindowStart(nowMs: number): Date {
  return new Date(Math.floor(nowMs / DAY_MS) * DAY_MS - (HISTORY_DAYS - 1) * DAY_MS);
}

/**
 * Connections by status at the end of each of the HISTORY_DAYS (30) UTC days ending with today (today: at
 * `nowMs`, milliseconds since the epoch), in ONE query. Events do not store the status before or after, but each
 * status-changing kind says the status it leaves (EVENT_STATUS), so:
 * - a connection with no status-changing event in the window held its current status (accounts) all along:
 *   today's counts, one GROUP BY on accounts, minus the connections that do have events;
 * - a connection with events holds each event's status from its day until the next event's (lead() over its
 *   events), and before its first one the status of its last event before the window (one index lookup on
 *   connection_events_athlete_idx per such connection; none: it did not exist yet).
 * Each span adds one connection from its first day and takes it away after its last: the query returns these
 * changes per status and day (at most 2 × 5 × 30 rows) and their running sum gives each day's counts.
 *
 * Limit: `refreshed` events older than REFRESH_EVENTS_RETENTION_DAYS (30) are pruned, so a connection whose last
 * event before the window is a transient failure it later recovered from (pruned) starts the window as failing.
 */
export async function connectionStatusHistory(nowMs = Date.now()): Promise<DayCounts[]> {
  const start = historyWindowStart(nowMs);
  const { rows } = await db.execute<{ day: number | string; status: string; n: number | string }>(sql`
    WITH ev AS (
      SELECT e.athlete_id, e.service, e.created_at AS at, e.id, ${bucketSince(sql`e.created_at`, start, DAY_MS)} AS day, ${EVENT_STATUS("e")} AS status
      FROM connection_events e
      WHERE e.created_at >= ${instant(start)} AND e.created_at <= ${instant(new Date(nowMs))} AND ${CHANGES("e")}
    ),
    seq AS (
      SELECT athlete_id, service, day, status,
        row_number() OVER (PARTITION BY athlete_id, service ORDER BY at, id) AS nth,
        coalesce(lead(day) OVER (PARTITION BY athlete_id, service ORDER BY at, id), ${sql.raw(String(HISTORY_DAYS))}) AS until
      FROM ev
    ),
    spans AS (
      SELECT ${ACCOUNT_STATUS} AS status, 0 AS since, ${sql.raw(String(HISTORY_DAYS))} AS until, count(*) AS n
      FROM accounts a GROUP BY 1
      UNION ALL
      SELECT ${ACCOUNT_STATUS}, 0, ${sql.raw(String(HISTORY_DAYS))}, -1
      FROM seq JOIN accounts a ON a.user_id = seq.athlete_id AND a.provider = seq.service
      WHERE seq.nth = 1
      UNION ALL
      SELECT status, day, until, 1 FROM seq
      UNION ALL
      SELECT (
          SELECT ${EVENT_STATUS("p")} FROM connection_events p
          WHERE p.athlete_id = seq.athlete_id AND p.service = seq.service AND p.created_at < ${instant(start)} AND ${CHANGES("p")}
          ORDER BY p.created_at DESC, p.id DESC LIMIT 1
        ), 0, day, 1
      FROM seq WHERE nth = 1
    )
    SELECT status, since AS day, sum(n) AS n FROM spans
    WHERE status IS NOT NULL AND since < until
    GROUP BY status, since
    UNION ALL
    SELECT status, until, -sum(n) FROM spans
    WHERE status IS NOT NULL AND since < until AND until < ${sql.raw(String(HISTORY_DAYS))}
    GROUP BY status, until`);
  const result: DayCounts[] = Array.from({ length: HISTORY_DAYS }, (_, d) => ({
    day: new Date(start.getTime() + d * DAY_MS),
    counts: { connected: 0, refresh_failing: 0, needs_reauth: 0, revocation_pending: 0, revoked_by_service: 0 },
  }));
  // The rows are changes: +n where spans begin, -n where they end; each day's counts are their running sum.
  const changes = Array.from({ length: HISTORY_DAYS }, () => new Map<string, number>());
  for (const row of rows) {
    const day = changes[Number(row.day)];
    if (day) day.set(row.status, (day.get(row.status) ?? 0) + Number(row.n));
  }
  for (const [d, day] of result.entries()) {
    for (const status of HISTORY_STATUSES) {
      day.counts[status] = (d > 0 ? result[d - 1]!.counts[status] : 0) + (changes[d]!.get(status) ?? 0);
    }
  }
  return result;
}
