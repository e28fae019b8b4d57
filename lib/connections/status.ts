import type { Account } from "@/db/schema";

/** The one status of a connection that every page, the coach view and the tests use. */
export type ConnectionStatus =
  "connected" | "expiring" | "refresh_failing" | "needs_reauth" | "revocation_pending" | "revoked_by_service" | "not_connected" | "not_configured";

export const STATUS_LABELS: Record<ConnectionStatus, string> = {
  connected: "Connected",
  expiring: "Expiring",
  refresh_failing: "Refresh failing",
  needs_reauth: "Needs reconnect",
  revocation_pending: "Disconnect pending",
  revoked_by_service: "Revoked by service",
  not_connected: "Not connected",
  not_configured: "Not configured",
};

/** Statuses a coach should act on. */
export const NEEDS_ATTENTION: ReadonlySet<ConnectionStatus> = new Set(["refresh_failing", "needs_reauth", "revoked_by_service"]);

export type StatusRow = Pick<Account, "state" | "accessToken" | "expiresAt" | "failureCount">;

/**
 * Derives the status from a connection row, whether its service is configured, and the clock:
 * - no row, or disconnected: `not_connected` (`not_configured` when the service has no credentials);
 * - stored states `needs_reauth`, `revocation_pending`, `revoked_by_service` as they are;
 * - a connected row with transient refresh failures: `refresh_failing`;
 * - a connected row whose access token expires within `marginSeconds` (default 300): `expiring`;
 * - otherwise `connected`. `nowMs` is milliseconds since the epoch; `expiresAt` is in seconds.
 */
export function connectionStatus(row: StatusRow | null | undefined, configured: boolean, nowMs = Date.now(), marginSeconds = 300): ConnectionStatus {
  if (!row || row.state === "disconnected") return configured ? "not_connected" : "not_configured";
  if (row.state !== "connected") return row.state;
  if (!row.accessToken) return configured ? "not_connected" : "not_configured";
  if (row.failureCount > 0) return "refresh_failing";
  if (row.expiresAt !== null && row.expiresAt * 1000 - nowMs <= marginSeconds * 1000) return "expiring";
  return "connected";
}
