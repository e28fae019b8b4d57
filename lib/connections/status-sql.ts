import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { accounts } from "@/db/schema";

/** The statuses a stored connection can have (a connection row exists, so never not_configured). */
export const LISTABLE_STATUSES = [
  "connected",
  "expiring",
  "refresh_failing",
  "needs_reauth",
  "revocation_pending",
  "revoked_by_service",
  "not_connected",
] as const;
export type ListableStatus = (typeof LISTABLE_STATUSES)[number];

/**
 * The SQL condition that selects connection rows whose derived status (`connectionStatus` in status.ts, with
 * the service configured) is `status`, at `nowMs` (milliseconds) with a margin of `marginSeconds`. It restates
 * connectionStatus in SQL so lists can filter in the database; lib/connections/state-machine.test.ts proves the two agree
 * on random rows (fast-check).
 */
export function statusCondition(status: ListableStatus, nowMs: number, marginSeconds: number): SQL {
  const dueBy = Math.floor(nowMs / 1000) + marginSeconds;
  const live = sql`${accounts.state} = 'connected' AND ${accounts.accessToken} IS NOT NULL`;
  switch (status) {
    case "connected":
      return sql`(${live} AND ${accounts.failureCount} = 0 AND (${accounts.expiresAt} IS NULL OR ${accounts.expiresAt} > ${dueBy}))`;
    case "expiring":
      return sql`(${live} AND ${accounts.failureCount} = 0 AND ${accounts.expiresAt} <= ${dueBy})`;
    case "refresh_failing":
      return sql`(${live} AND ${accounts.failureCount} > 0)`;
    case "not_connected":
      return sql`(${accounts.state} = 'disconnected' OR (${accounts.state} = 'connected' AND ${accounts.accessToken} IS NULL))`;
    default:
      return sql`${accounts.state} = ${status}`;
  }
}
