import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { accounts } from "@/db/schema";
import { REQUIRED_SCOPES } from "@/lib/integrations/required-scopes";

/** The statuses a stored connection can have (a connection row exists, so never not_configured). */
export const LISTABLE_STATUSES = [
  "connected",
  "expiring",
  "refresh_failing",
  "missing_permissions",
  "needs_reauth",
  "revocation_pending",
  "revoked_by_service",
  "not_connected",
] as const;
export type ListableStatus = (typeof LISTABLE_STATUSES)[number];

/** The granted scope with a space on either side (`' a b '`; `'  '` when null), so each scope is ` id `. */
const paddedScope = sql`(' ' || coalesce(${accounts.scope}, '') || ' ')`;

/**
 * The granted scope lacks `scope`: removing ` scope ` leaves it unchanged. replace() compares exactly on both
 * engines, as missingRequiredScopes does; LIKE would not (case-insensitive on SQLite, `_` a wildcard, and
 * enduco's scopes hold underscores).
 */
const lacks = (scope: string): SQL => sql`replace(${paddedScope}, ${` ${scope} `}, '') = ${paddedScope}`;

/**
 * The row's granted scope lacks one of its service's required scopes (REQUIRED_SCOPES): one
 * `(provider = X AND (lacks a OR lacks b …))` per service that requires any.
 */
function missingPermissions(): SQL {
  const perService = Object.entries(REQUIRED_SCOPES)
    .filter(([, scopes]) => scopes.length > 0)
    .map(([service, scopes]) => sql`(${accounts.provider} = ${service} AND (${sql.join(scopes.map(lacks), sql` OR `)}))`);
  return perService.length > 0 ? sql`(${sql.join(perService, sql` OR `)})` : sql`1 = 0`;
}

/**
 * The SQL condition that selects connection rows whose derived status (`connectionStatus` in status.ts, with
 * the service configured) is `status`, at `nowMs` (milliseconds) with a margin of `marginSeconds`. It restates
 * connectionStatus in SQL so lists can filter in the database, on SQLite and PostgreSQL alike;
 * lib/connections/state-machine.test.ts proves the two agree on random rows (fast-check).
 */
export function statusCondition(status: ListableStatus, nowMs: number, marginSeconds: number): SQL {
  const dueBy = Math.floor(nowMs / 1000) + marginSeconds;
  const live = sql`${accounts.state} = 'connected' AND ${accounts.accessToken} IS NOT NULL`;
  const healthy = sql`${live} AND ${accounts.failureCount} = 0 AND NOT ${missingPermissions()}`;
  switch (status) {
    case "connected":
      return sql`(${healthy} AND (${accounts.expiresAt} IS NULL OR ${accounts.expiresAt} > ${dueBy}))`;
    case "expiring":
      return sql`(${healthy} AND ${accounts.expiresAt} <= ${dueBy})`;
    case "refresh_failing":
      return sql`(${live} AND ${accounts.failureCount} > 0)`;
    case "missing_permissions":
      return sql`(${live} AND ${accounts.failureCount} = 0 AND ${missingPermissions()})`;
    case "not_connected":
      return sql`(${accounts.state} = 'disconnected' OR (${accounts.state} = 'connected' AND ${accounts.accessToken} IS NULL))`;
    default:
      return sql`${accounts.state} = ${status}`;
  }
}
