import type { Account } from "@/db/schema";

/** What a connection's card says, derived from its row, whether the service is configured, and the clock. */
export type ConnectionStatus = "connected" | "not_connected" | "not_configured";

export const STATUS_LABELS: Record<ConnectionStatus, string> = {
  connected: "Connected",
  not_connected: "Not connected",
  not_configured: "Not configured",
};

/**
 * The one status function: a row in state `connected` with a sealed access token is `connected`; a
 * service without credentials and without such a row is `not_configured`; anything else `not_connected`.
 */
export function connectionStatus(row: Pick<Account, "state" | "accessToken"> | null | undefined, configured: boolean): ConnectionStatus {
  if (row && row.state === "connected" && row.accessToken) return "connected";
  return configured ? "not_connected" : "not_configured";
}
