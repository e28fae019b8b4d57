import "server-only";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, users, type ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { connectionStatus, type ConnectionStatus } from "@/lib/connections/status";
import { statusCondition, type ListableStatus } from "@/lib/connections/status-sql";
import { env } from "@/lib/env";
import { getIntegration } from "@/lib/integrations/registry";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { failed } from "@/lib/result";

export const CONNECTIONS_PAGE_SIZE = 50;

export { LISTABLE_STATUSES, type ListableStatus } from "@/lib/connections/status-sql";

export interface AdminConnectionRow {
  id: string;
  athleteId: string;
  athleteName: string;
  athleteEmail: string;
  service: ServiceId;
  serviceName: string;
  status: ConnectionStatus;
  linkedAt: Date | null;
  expiresAt: number | null;
  lastRefreshedAt: Date | null;
  lastError: string | null;
}

/**
 * One page (50 rows) of every connection of every athlete, filtered by service and derived status, ordered by
 * athlete name (then id, so equal names keep one order; the users_name_idx index serves it without a sort). Token columns are never selected. Admins only (ForbiddenError otherwise).
 */
export async function listConnectionsPage(
  viewer: SessionUser | null,
  options: { service?: ServiceId; status?: ListableStatus; athleteId?: string; page?: number } = {},
) {
  assertCan(viewer, "connections.revoke_any");
  const now = Date.now();
  const where = and(
    options.service ? eq(accounts.provider, options.service) : undefined,
    options.status ? statusCondition(options.status, now, env.REFRESH_MARGIN_SECONDS) : undefined,
    options.athleteId ? eq(accounts.userId, options.athleteId) : undefined,
  );
  const total = (await db.select({ n: count() }).from(accounts).where(where).limit(1).then(firstRow))?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / CONNECTIONS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pageCount);
  // Deferred join: the OFFSET walks only the two covering indexes (users_name_idx, accounts_user_provider_uq) to
  // find the page's 50 keys (user id, service: unique, and both in those indexes), then only those rows are read.
  // Page 80 costs about what page 1 costs (unless a status filter needs the rows themselves).
  const pageKeys = db
    .select({ userId: users.id, provider: accounts.provider })
    .from(users)
    .innerJoin(accounts, eq(accounts.userId, users.id))
    .where(where)
    .orderBy(asc(users.name), asc(users.id), asc(accounts.provider))
    .limit(CONNECTIONS_PAGE_SIZE)
    .offset((page - 1) * CONNECTIONS_PAGE_SIZE);
  const rows = await db
    .select({
      id: accounts.id,
      athleteId: users.id,
      athleteName: users.name,
      athleteEmail: users.email,
      service: accounts.provider,
      state: accounts.state,
      hasToken: sql<boolean>`${accounts.accessToken} IS NOT NULL`.mapWith(Boolean),
      expiresAt: accounts.expiresAt,
      failureCount: accounts.failureCount,
      linkedAt: accounts.linkedAt,
      lastRefreshedAt: accounts.lastRefreshedAt,
      lastError: accounts.lastError,
    })
    .from(accounts)
    .innerJoin(users, eq(users.id, accounts.userId))
    .where(sql`(${accounts.userId}, ${accounts.provider}) IN ${pageKeys}`)
    .orderBy(asc(users.name), asc(users.id), asc(accounts.provider));
  return {
    page,
    pageCount,
    total,
    rows: rows.map((r): AdminConnectionRow => ({
      id: r.id,
      athleteId: r.athleteId,
      athleteName: r.athleteName,
      athleteEmail: r.athleteEmail,
      service: r.service,
      serviceName: getIntegration(r.service).name,
      status: connectionStatus(
        { state: r.state, accessToken: r.hasToken ? "sealed" : null, expiresAt: r.expiresAt, failureCount: r.failureCount },
        true,
        now,
        env.REFRESH_MARGIN_SECONDS,
      ),
      linkedAt: r.linkedAt,
      expiresAt: r.expiresAt,
      lastRefreshedAt: r.lastRefreshedAt,
      lastError: r.lastError,
    })),
  };
}

/**
 * Revokes connection `connectionId` as an admin, through the same path as the athlete's Disconnect (revoke at
 * the service, pending on outage, wipe); the admin is the actor of the connection event, and a
 * `connection_revoked` admin action is recorded. Admins only.
 */
export async function revokeConnectionAsAdmin(viewer: SessionUser | null, connectionId: string): Promise<{ ok: string } | { error: string }> {
  assertCan(viewer, "connections.revoke_any");
  const row = await db
    .select({ userId: accounts.userId, provider: accounts.provider, name: users.name })
    .from(accounts)
    .innerJoin(users, eq(users.id, accounts.userId))
    .where(eq(accounts.id, connectionId))
    .limit(1)
    .then(firstRow);
  if (!row) return { error: "That connection no longer exists." };
  const service = getIntegration(row.provider).name;
  const result = await disconnectConnection({ athleteId: row.userId, actorId: viewer.id, service: row.provider });
  if (failed(result)) return { error: result.error };
  await recordAdminAction({
    actorId: viewer.id,
    targetUserId: row.userId,
    kind: "connection_revoked",
    service: row.provider,
    detail: result.pending
      ? "revocation pending: the service was unreachable"
      : result.revoked
        ? "revoked at the service"
        : result.refused
          ? "the service refused the revocation; tokens wiped locally"
          : "wiped locally (no revocation endpoint)",
  });
  if (result.pending) return { ok: `${service} could not be reached; the revocation for ${row.name} is pending and retried automatically.` };
  if (result.refused)
    return { ok: `${row.name}'s ${service} connection was ended here and its tokens deleted, but ${service} refused the revocation.` };
  return { ok: `${row.name}'s ${service} connection was revoked.${result.note ? ` ${result.note}` : ""}` };
}
