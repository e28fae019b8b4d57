import "server-only";
import { count, min } from "drizzle-orm";
import { db } from "@/db";
import { accounts } from "@/db/schema";
import { env } from "@/lib/env";
import { refreshDueWhere } from "@/lib/connections/transitions";

/** How far behind the background refresher is at one moment. */
export interface RefreshBacklog {
  /** Connections due for a refresh now (refreshDueWhere), leased or not. */
  due: number;
  /**
   * Seconds since the oldest due connection became due (its access token's expiry minus REFRESH_MARGIN_SECONDS;
   * the refresher takes the earliest expiry first); 0 when none is due.
   */
  lagSeconds: number;
}

/**
 * The refresher's backlog at `nowMs` (milliseconds since the epoch): how many connections are due and how long
 * the oldest has waited, in seconds. One aggregate over the due connections (served by accounts' state/expiry
 * columns); services paused for refusing our credentials count too, since their athletes wait as well. Used by
 * /api/metrics (trainlink_refresh_backlog, trainlink_refresher_lag_seconds) and the System page.
 */
export async function refreshBacklog(nowMs = Date.now()): Promise<RefreshBacklog> {
  const [row] = await db
    .select({ due: count(), oldestExpiry: min(accounts.expiresAt) })
    .from(accounts)
    .where(refreshDueWhere(nowMs));
  const due = row?.due ?? 0;
  if (due === 0 || row?.oldestExpiry == null) return { due, lagSeconds: 0 };
  const dueSince = Number(row.oldestExpiry) - env.REFRESH_MARGIN_SECONDS;
  return { due, lagSeconds: Math.max(0, Math.floor(nowMs / 1000) - dueSince) };
}
