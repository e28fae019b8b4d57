import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import type { ServiceId } from "@/db/schema";
import { HOUR_MS, instant, readInstant, REFUSED_PREFIX, SERVICE_LEVEL_PREFIX, TRANSIENT_PREFIX } from "@/lib/admin/system/sql";

/** A service's latest failed refresh: when (UTC), and what went wrong in words. */
export interface LastRefreshError {
  at: Date;
  /** Whose problem it was, as REFRESH_OUTCOMES names it. */
  outcome: "service_failure" | "credentials_refused" | "reconnect";
  /** The service's answer and what TrainLink did, from the event's detail (never a token). */
  words: string;
}

/**
 * The detail of a `refresh_failed` event (lib/connections/refresh.ts recordRefreshFailure, the needsReauth
 * transition) as whose problem it was and a sentence: the prefix ("transient (kind): ", "service-level (kind): ",
 * "refused: ") becomes the outcome, the rest is the service's answer and what was done about it.
 */
export function describeRefreshFailure(detail: string): Pick<LastRefreshError, "outcome" | "words"> {
  const answer = detail.indexOf("): ");
  const rest = answer >= 0 ? detail.slice(answer + 3) : detail;
  if (detail.startsWith(SERVICE_LEVEL_PREFIX)) return { outcome: "credentials_refused", words: rest };
  if (detail.startsWith(REFUSED_PREFIX)) return { outcome: "reconnect", words: `${detail.slice(REFUSED_PREFIX.length)}; the athlete must reconnect` };
  if (detail.startsWith(TRANSIENT_PREFIX)) return { outcome: "service_failure", words: rest };
  return { outcome: "service_failure", words: detail };
}

/**
 * Each service's latest `refresh_failed` event in the 24 hours before `nowMs` (milliseconds since the epoch), in
 * ONE query (row_number() over each service's failures, newest first; connection_events_at_idx bounds the scan
 * to the window, so a table with no failures is not read to its start). Services without one are absent.
 */
export async function lastRefreshErrors(nowMs = Date.now()): Promise<Partial<Record<ServiceId, LastRefreshError>>> {
  const since = new Date(nowMs - 24 * HOUR_MS);
  const { rows } = await db.execute<{ service: ServiceId; detail: string | null; at: unknown }>(sql`
    SELECT service, detail, at FROM (
      SELECT service, detail, created_at AS at, row_number() OVER (PARTITION BY service ORDER BY created_at DESC, id DESC) AS rn
      FROM connection_events
      WHERE created_at > ${instant(since)} AND created_at <= ${instant(new Date(nowMs))} AND kind = 'refresh_failed'
    ) failures
    WHERE rn = 1`);
  return Object.fromEntries(rows.map((r) => [r.service, { at: readInstant(r.at), ...describeRefreshFailure(r.detail ?? "no detail recorded") }]));
}
