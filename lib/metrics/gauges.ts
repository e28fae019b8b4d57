import "server-only";
import { and, count, gt, or, sql, type SQL } from "drizzle-orm";
import { db } from "@/db";
import { accounts, SERVICE_IDS, signInThrottle, type ServiceId } from "@/db/schema";
import { QUIET_RESET_MS, throttleDelayMs } from "@/lib/auth/throttle";
import { refreshBacklog } from "@/lib/connections/backlog";
import { LISTABLE_STATUSES, statusCondition, type ListableStatus } from "@/lib/connections/status-sql";
import { env } from "@/lib/env";
import { appMetrics } from "@/lib/metrics/registry";

/** Connections per service and derived status at one moment; combinations without rows are absent. */
export type ConnectionCounts = { service: ServiceId; status: ListableStatus; count: number }[];

/**
 * Connections by service and derived status at `nowMs` (milliseconds since the epoch), the status the admin
 * pages show (statusCondition with REFRESH_MARGIN_SECONDS: lib/connections/status-sql.ts), in one GROUP BY over
 * accounts: a CASE picks each row's status, in LISTABLE_STATUSES order.
 */
export async function countConnectionsByStatus(nowMs = Date.now()): Promise<ConnectionCounts> {
  const whens = LISTABLE_STATUSES.map((s) => sql`WHEN ${statusCondition(s, nowMs, env.REFRESH_MARGIN_SECONDS)} THEN ${sql.raw(`'${s}'`)}`);
  // The status is a literal per branch (never a bound parameter) so PostgreSQL can type the CASE and group on it.
  const status = sql<ListableStatus | null>`CASE ${sql.join(whens, sql` `)} END`.as("status");
  const perRow = db.select({ service: accounts.provider, status }).from(accounts).as("per_row");
  const rows = await db
    .select({ service: perRow.service, status: perRow.status, count: count() })
    .from(perRow)
    .groupBy(perRow.service, perRow.status);
  return rows.filter((r): r is ConnectionCounts[number] => r.status !== null).map((r) => ({ ...r, count: Number(r.count) }));
}

/** The throttle allowance of a sign_in_throttle key, by its kind (throttleKeys in lib/auth/throttle.ts). */
const allowanceSql = () =>
  sql.raw(
    `CASE WHEN substr(key, 1, 7) = 'client:' THEN ${env.SIGNIN_IP_MAX_FAILURES} WHEN substr(key, 1, 8) = 'account:' THEN ${env.SIGNIN_ACCOUNT_MAX_FAILURES} ELSE ${env.SIGNIN_MAX_FAILURES} END`,
  );

/**
 * Sign-in throttle keys whose next attempt must wait at `nowMs` (milliseconds since the epoch), as
 * signInWaitSeconds decides it (lib/auth/throttle.ts): failures past the key's allowance, the last one less than
 * throttleDelayMs(failures, allowance) ago (30 s doubling up to SIGNIN_MAX_DELAY_MINUTES) and less than
 * QUIET_RESET_MS ago. One COUNT; the delay is a step function of the failures past the allowance, written as one
 * condition per step, so the SQL stays portable.
 */
export async function countThrottledSignInKeys(nowMs = Date.now()): Promise<number> {
  const excess = sql`(${signInThrottle.failures} - ${allowanceSql()})`;
  const since = (delayMs: number) => gt(signInThrottle.lastFailureAt, new Date(nowMs - Math.min(delayMs, QUIET_RESET_MS)));
  const steps: SQL[] = [];
  for (let k = 0; ; k++) {
    const delay = throttleDelayMs(k, 0);
    if (delay >= throttleDelayMs(k + 1, 0) || k >= 40) {
      steps.push(and(sql`${excess} >= ${sql.raw(String(k))}`, since(delay))!);
      break;
    }
    steps.push(and(sql`${excess} = ${sql.raw(String(k))}`, since(delay))!);
  }
  const [row] = await db
    .select({ n: count() })
    .from(signInThrottle)
    // Password-reset request counts (lib/auth/password-reset.ts, `reset-client:` keys) share the table but are not sign-ins.
    .where(and(sql`substr(${signInThrottle.key}, 1, 13) <> 'reset-client:'`, or(...steps)));
  return Number(row?.n ?? 0);
}

/**
 * Reads the database-derived gauges (connections by service and status, every service × status present, 0 where
 * no row; the refresh backlog and the refresher's lag; throttled sign-in keys) at `nowMs` (milliseconds since the
 * epoch) and sets them in appMetrics().databaseRegistry, just before a scrape renders it. Three cheap queries run
 * first and the gauges are then set in one synchronous step, so concurrent scrapes never mix their values.
 * Throws what the database throws.
 */
export async function updateDatabaseGauges(nowMs = Date.now()): Promise<void> {
  const [connections, backlog, throttled] = await Promise.all([
    countConnectionsByStatus(nowMs),
    refreshBacklog(nowMs),
    countThrottledSignInKeys(nowMs),
  ]);
  const metrics = appMetrics();
  for (const service of SERVICE_IDS) for (const status of LISTABLE_STATUSES) metrics.connections.set({ service, status }, 0);
  for (const c of connections) metrics.connections.set({ service: c.service, status: c.status }, c.count);
  metrics.refreshBacklog.set(backlog.due);
  metrics.refresherLag.set(backlog.lagSeconds);
  metrics.signInThrottled.set(throttled);
}
