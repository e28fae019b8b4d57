import "server-only";
import { sql } from "drizzle-orm";
import { accounts, type Account } from "@/db/schema";
import { connectionStatus, type ConnectionStatus } from "@/lib/connections/status";
import { env } from "@/lib/env";

/**
 * What a list reads of a connection to derive its status without ever selecting a token: the columns
 * connectionStatus needs, with `hasToken` (whether an access token is stored) in place of the sealed token.
 * Spread into a select map: `db.select({ ...STATUS_COLUMNS, name: users.name })`.
 */
export const STATUS_COLUMNS = {
  provider: accounts.provider,
  state: accounts.state,
  hasToken: sql<boolean>`${accounts.accessToken} IS NOT NULL`.mapWith(Boolean),
  expiresAt: accounts.expiresAt,
  failureCount: accounts.failureCount,
  scope: accounts.scope,
};

/** A row read with STATUS_COLUMNS. */
export type StatusFacts = Pick<Account, "provider" | "state" | "expiresAt" | "failureCount" | "scope"> & { hasToken: boolean };

/**
 * The derived status (lib/connections/status.ts) of a row read with STATUS_COLUMNS, at `nowMs` (milliseconds since
 * the epoch), with the app's REFRESH_MARGIN_SECONDS; the service counts as configured, as admin lists and the API
 * show a row whatever the service's credentials.
 */
export function listedStatus(facts: StatusFacts, nowMs = Date.now()): ConnectionStatus {
  const { hasToken, ...row } = facts;
  return connectionStatus({ ...row, accessToken: hasToken ? "sealed" : null }, true, nowMs, env.REFRESH_MARGIN_SECONDS);
}
