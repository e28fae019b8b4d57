import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import type { ServiceId } from "@/db/schema";
import { HOUR_MS, instant } from "@/lib/admin/system/sql";

/** The median time a service took to answer refresh calls, in milliseconds, and over how many calls. */
export interface RefreshLatency {
  medianMs: number;
  samples: number;
}

/**
 * The median latency of each service's refresh calls over the 24 hours before `nowMs` (milliseconds since the
 * epoch), in milliseconds, from connection_events.latency_ms (written by lib/connections/refresh.ts on
 * `refreshed` and `refresh_failed` events). ONE query with the same SQL on both engines: row_number() and
 * count() over each service's latencies pick the middle row (the mean of the two middle rows for an even count),
 * which is PostgreSQL's percentile_cont(0.5), and SQLite has no percentile function. Services with no timed
 * refresh in the window are absent.
 */
export async function medianRefreshLatency(nowMs = Date.now()): Promise<Partial<Record<ServiceId, RefreshLatency>>> {
  const since = new Date(nowMs - 24 * HOUR_MS);
  const { rows } = await db.execute<{ service: ServiceId; median: number | string; samples: number | string }>(sql`
    SELECT service, avg(latency_ms) AS median, max(n) AS samples FROM (
      SELECT service, latency_ms,
        row_number() OVER (PARTITION BY service ORDER BY latency_ms) AS rn,
        count(*) OVER (PARTITION BY service) AS n
      FROM connection_events
      WHERE created_at > ${instant(since)} AND created_at <= ${instant(new Date(nowMs))}
        AND kind IN ('refreshed', 'refresh_failed') AND latency_ms IS NOT NULL
    ) timed
    WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY service`);
  return Object.fromEntries(rows.map((r) => [r.service, { medianMs: Number(r.median), samples: Number(r.samples) }]));
}
