import type { Account } from "@/db/schema";
import { missingRequiredScopes } from "@/lib/integrations/required-scopes";

/** The one status of a connection that every page, the coach view and the tests use. */
export type ConnectionStatus =
  | "connected"
  | "expiring"
  | "refresh_failing"
  | "missing_permissions"
  | "needs_reauth"
  | "revocation_pending"
  | "revoked_by_service"
  | "not_connected"
  | "not_configured";

export const STATUS_LABELS: Record<ConnectionStatus, string> = {
  connected: "Connected",
  expiring: "Expiring",
  refresh_failing: "Refresh failing",
  missing_permissions: "Missing permissions",
  needs_reauth: "Needs reconnect",
  revocation_pending: "Disconnect pending",
  revoked_by_service: "Revoked by service",
  not_connected: "Not connected",
  not_configured: "Not configured",
};

/** Statuses a coach should act on. */
export const NEEDS_ATTENTION: ReadonlySet<ConnectionStatus> = new Set([
  "refresh_failing",
  "missing_permissions",
  "needs_reauth",
  "revoked_by_service",
]);

export type StatusRow = Pick<Account, "provider" | "state" | "accessToken" | "expiresAt" | "failureCount" | "scope">;

/**
 * Derives the status from a connection row, whether its service is configured, and the clock:
 * - no row, or disconnected: `not_connected` (`not_configured` when the service has no credentials);
 * - stored states `needs_reauth`, `revocation_pending`, `revoked_by_service` as they are;
 * - a connected row with transient refresh failures: `refresh_failing`;
 * - a connected row whose granted `scope` lacks one of the service's required scopes (ServiceDefinition
 *   `requiredScopes`, missingRequiredScopes): `missing_permissions`;
 * - a connected row whose access token expires within `marginSeconds` (default 300): `expiring`;
 * - otherwise `connected`. `nowMs` is milliseconds since the epoch; `expiresAt` is in seconds.
 * lib/connections/status-sql.ts restates these rules in SQL (statusCondition).
 */
export function connectionStatus(row: StatusRow | null | undefined, configured: boolean, nowMs = Date.now(), marginSeconds = 300): ConnectionStatus {
  if (!row || row.state === "disconnected") return configured ? "not_connected" : "not_configured";
  if (row.state !== "connected") return row.state;
  if (!row.accessToken) return configured ? "not_connected" : "not_configured";
  if (row.failureCount > 0) return "refresh_failing";
  if (missingRequiredScopes(row.provider, row.scope).length > 0) return "missing_permissions";
  if (row.expiresAt !== null && row.expiresAt * 1000 - nowMs <= marginSeconds * 1000) return "expiring";
  return "connected";
}
