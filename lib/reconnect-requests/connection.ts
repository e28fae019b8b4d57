import "server-only";
import { sql } from "drizzle-orm";
import { accounts, type ConnectionState, type ReconnectRequestStatus, type ServiceId } from "@/db/schema";
import { connectionStatus, NEEDS_ATTENTION, STATUS_LABELS, type ConnectionStatus } from "@/lib/connections/status";
import { env } from "@/lib/env";
import { getIntegration } from "@/lib/integrations/registry";

/** A request still open: not yet verified or cancelled (closed_at is null exactly then). */
export const OPEN_STATUSES = ["sent", "opened", "reconnected"] as const satisfies readonly ReconnectRequestStatus[];
export type OpenRequestStatus = (typeof OPEN_STATUSES)[number];

/** What this module reads of a connection: never a token, only whether an access token is held. */
export interface ConnectionFacts {
  state: ConnectionState;
  hasToken: boolean;
  expiresAt: number | null;
  failureCount: number;
  scope: string | null;
  requestedScope: string | null;
  linkedAt: Date | null;
  lastVerifiedAt: Date | null;
}

/** The select map of ConnectionFacts (nullable when left-joined: state null means no connection row). */
export const CONNECTION_COLUMNS = {
  state: accounts.state,
  hasToken: sql<boolean>`${accounts.accessToken} IS NOT NULL`.mapWith(Boolean),
  expiresAt: accounts.expiresAt,
  failureCount: accounts.failureCount,
  scope: accounts.scope,
  requestedScope: accounts.requestedScope,
  linkedAt: accounts.linkedAt,
  lastVerifiedAt: accounts.lastVerifiedAt,
};

/** A left-joined ConnectionFacts row as ConnectionFacts, or null when there is no connection row. */
export function factsOf(row: { [K in keyof ConnectionFacts]: ConnectionFacts[K] | null }): ConnectionFacts | null {
  if (row.state === null) return null;
  return { ...row, state: row.state, hasToken: !!row.hasToken, failureCount: row.failureCount ?? 0 };
}

/**
 * The derived status (lib/connections/status.ts) of `facts` at `service`, at `nowMs` (milliseconds since the
 * epoch) with the app's refresh margin. The row is passed whole, so a status derived from more columns (the
 * scopes, for missing permissions) needs no change here.
 */
export function statusOf(facts: ConnectionFacts | null, service: ServiceId, nowMs: number): ConnectionStatus {
  const configured = getIntegration(service).credentials !== null;
  if (!facts) return connectionStatus(null, configured, nowMs, env.REFRESH_MARGIN_SECONDS);
  const { hasToken, ...row } = facts;
  return connectionStatus({ ...row, provider: service, accessToken: hasToken ? "sealed" : null }, configured, nowMs, env.REFRESH_MARGIN_SECONDS);
}

/** True when the status needs the athlete (whatever NEEDS_ATTENTION holds): the only case a request may be sent for. */
export function needsAthlete(status: ConnectionStatus): boolean {
  return NEEDS_ATTENTION.has(status);
}

/** True when the connection works: what closes a request that was never reconnected (a transient failure recovered). */
export function works(status: ConnectionStatus): boolean {
  return status === "connected" || status === "expiring";
}

/** The statuses a request can be sent for, in words: "refresh failing, needs reconnect or revoked by service". */
export function needsAthleteInWords(): string {
  const labels = [...NEEDS_ATTENTION].map((s) => STATUS_LABELS[s].toLowerCase());
  return labels.length > 1 ? `${labels.slice(0, -1).join(", ")} or ${labels.at(-1)}` : (labels[0] ?? "");
}
