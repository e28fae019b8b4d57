import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, type Account, type ServiceId } from "@/db/schema";
import { connectionsCursor, type ConnectionBody } from "@/lib/api/schemas";
import { listedStatus, STATUS_COLUMNS } from "@/lib/connections/listed-status";
import { statusCondition, type ListableStatus } from "@/lib/connections/status-sql";
import { env } from "@/lib/env";
import { missingRequiredScopes } from "@/lib/integrations/required-scopes";

/** The columns of a connection the API shows: everything but the token columns (only whether an access token is stored). */
export const connectionColumns = {
  ...STATUS_COLUMNS,
  id: accounts.id,
  userId: accounts.userId,
  providerAccountId: accounts.providerAccountId,
  requestedScope: accounts.requestedScope,
  environment: accounts.environment,
  linkedAt: accounts.linkedAt,
  lastRefreshedAt: accounts.lastRefreshedAt,
  lastVerifiedAt: accounts.lastVerifiedAt,
  lastError: accounts.lastError,
};

/** A row read with connectionColumns. */
export type ConnectionColumns = Pick<Account, Exclude<keyof typeof connectionColumns, "hasToken">> & { hasToken: boolean };

const scopes = (value: string | null) => (value ?? "").split(" ").filter(Boolean);
const iso = (value: Date | null) => value?.toISOString() ?? null;

/**
 * The API's view of a connection row read with connectionColumns: its derived status at `nowMs` (milliseconds;
 * connectionStatus with the service counted as configured, as the admin list does, and REFRESH_MARGIN_SECONDS),
 * scopes as arrays, instants as ISO 8601 (the access token's expiry from `expires_at` seconds).
 */
export function toApiConnection(row: ConnectionColumns, nowMs = Date.now()): ConnectionBody {
  const status = listedStatus(row, nowMs) as ConnectionBody["status"];
  return {
    id: row.id,
    athlete_id: row.userId,
    service: row.provider,
    status,
    state: row.state,
    granted_scopes: scopes(row.scope),
    requested_scopes: scopes(row.requestedScope),
    missing_scopes: missingRequiredScopes(row.provider, row.scope),
    service_account_id: row.providerAccountId,
    environment: row.environment,
    linked_at: iso(row.linkedAt),
    last_refreshed_at: iso(row.lastRefreshedAt),
    last_verified_at: iso(row.lastVerifiedAt),
    access_token_expires_at: row.expiresAt === null ? null : new Date(row.expiresAt * 1000).toISOString(),
    last_error: row.lastError,
  };
}

/** Connection `id` as the API shows it, or null when there is none. */
export async function getApiConnection(id: string, nowMs = Date.now()): Promise<ConnectionBody | null> {
  const row = await db.select(connectionColumns).from(accounts).where(eq(accounts.id, id)).limit(1).then(firstRow);
  return row ? toApiConnection(row, nowMs) : null;
}

/**
 * A page of every connection for GET /api/v1/connections, only `service`'s and only those whose derived status
 * is `status` when given (statusCondition: the same filter as the admin list), ordered by id and sought through
 * the primary key after `cursor` (the [id] of the previous page's last connection), at most `limit` (1-200).
 * Resolves to the page's items and the next page's cursor (null on the last page).
 */
export async function listApiConnections(options: {
  service?: ServiceId;
  status?: ListableStatus;
  limit: number;
  cursor?: [string];
}): Promise<{ data: ConnectionBody[]; next_cursor: string | null }> {
  const now = Date.now();
  const rows = await db
    .select(connectionColumns)
    .from(accounts)
    .where(
      and(
        options.service ? eq(accounts.provider, options.service) : undefined,
        options.status ? statusCondition(options.status, now, env.REFRESH_MARGIN_SECONDS) : undefined,
        options.cursor ? gt(accounts.id, options.cursor[0]) : undefined,
      ),
    )
    .orderBy(asc(accounts.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => toApiConnection(row, now)),
    next_cursor: rows.length > options.limit && last ? connectionsCursor.encode([last.id]) : null,
  };
}
