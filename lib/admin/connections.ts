import "server-only";
import { and, asc, desc, eq, gt, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { countUpTo } from "@/db/count";
import { firstRow } from "@/db/first";
import { accounts, SERVICE_IDS, users, type ConnectionState, type ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { isLiveState } from "@/lib/connections/state-machine";
import { listedStatus, STATUS_COLUMNS } from "@/lib/connections/listed-status";
import type { ConnectionStatus } from "@/lib/connections/status";
import { statusCondition, type ListableStatus } from "@/lib/connections/status-sql";
import { env } from "@/lib/env";
import { getIntegration } from "@/lib/integrations/registry";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { detailWithReason } from "@/lib/admin/revoke-reason";
import { cursorCodec, keysetPage, keysetPlan, type KeysetRequest } from "@/lib/keyset";
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
  /** When the connection last proved to work (linked, refreshed, or verified by request); null when never. */
  lastVerifiedAt: Date | null;
  lastError: string | null;
}

/** Where a page of the admin connections list starts or ends: the (athlete name, athlete id, service) of a row. */
const connectionsCursor = cursorCodec(z.tuple([z.string().max(500), z.string().max(100), z.enum(SERVICE_IDS)]));

/** The connections-list cursor in `value` (base64url JSON of [athlete name, athlete id, service]), or null when it is absent or not one of ours. */
export const decodeCursor = connectionsCursor.decode;
type ConnectionsCursor = NonNullable<ReturnType<typeof decodeCursor>>;

/**
 * One page (50 rows) of every connection of every athlete, filtered by service and derived status, ordered by
 * athlete name, then athlete id (equal names keep one order), then service. Keyset pagination (lib/keyset.ts):
 * `after` (the next page), `before` (the previous one) or `last` (the final page) seek straight to their place
 * through users_name_idx (name, id) and accounts_user_provider_uq, so the last of 4,000 pages costs what the
 * first does. Resolves to the rows, the matching total (countUpTo: exact up to 10,000, then "10,000+"), and the
 * cursors of the previous and next pages (null at the ends). Token columns are never selected. Admins only
 * (ForbiddenError).
 */
export async function listConnectionsPage(
  viewer: SessionUser | null,
  options: { service?: ServiceId; status?: ListableStatus; athleteId?: string } & KeysetRequest = {},
) {
  assertCan(viewer, "connections.revoke_any");
  const now = Date.now();
  const where = and(
    options.service ? eq(accounts.provider, options.service) : undefined,
    options.status ? statusCondition(options.status, now, env.REFRESH_MARGIN_SECONDS) : undefined,
    options.athleteId ? eq(accounts.userId, options.athleteId) : undefined,
  );
  const plan = keysetPlan(connectionsCursor, options);
  // (name, id) ≥ the cursor's seeks in users_name_idx; the service breaks ties within one athlete.
  const seek = ([name, userId, provider]: ConnectionsCursor, direction: "after" | "before") =>
    direction === "after"
      ? and(
          sql`(${users.name}, ${users.id}) >= (${name}, ${userId})`,
          or(sql`(${users.name}, ${users.id}) > (${name}, ${userId})`, gt(accounts.provider, provider)),
        )
      : and(
          sql`(${users.name}, ${users.id}) <= (${name}, ${userId})`,
          or(sql`(${users.name}, ${users.id}) < (${name}, ${userId})`, lt(accounts.provider, provider)),
        );
  const order = plan.backwards
    ? [desc(users.name), desc(users.id), desc(accounts.provider)]
    : [asc(users.name), asc(users.id), asc(accounts.provider)];
  const [total, fetched] = await Promise.all([
    countUpTo(accounts, where),
    db
      .select({
        id: accounts.id,
        athleteId: users.id,
        athleteName: users.name,
        athleteEmail: users.email,
        ...STATUS_COLUMNS,
        linkedAt: accounts.linkedAt,
        lastRefreshedAt: accounts.lastRefreshedAt,
        lastVerifiedAt: accounts.lastVerifiedAt,
        lastError: accounts.lastError,
      })
      .from(users)
      .innerJoin(accounts, eq(accounts.userId, users.id))
      .where(and(where, plan.after ? seek(plan.after, "after") : plan.before ? seek(plan.before, "before") : undefined))
      .orderBy(...order)
      .limit(CONNECTIONS_PAGE_SIZE + 1),
  ]);
  const { rows: page, hasPrevious, hasNext } = keysetPage(fetched, plan, CONNECTIONS_PAGE_SIZE);
  const cursorOf = (r: (typeof page)[number]) => connectionsCursor.encode([r.athleteName, r.athleteId, r.provider]);
  const first = page[0];
  const lastRow = page.at(-1);
  return {
    total,
    previous: hasPrevious && first ? cursorOf(first) : null,
    next: hasNext && lastRow ? cursorOf(lastRow) : null,
    rows: page.map((r): AdminConnectionRow => ({
      id: r.id,
      athleteId: r.athleteId,
      athleteName: r.athleteName,
      athleteEmail: r.athleteEmail,
      service: r.provider,
      serviceName: getIntegration(r.provider).name,
      status: listedStatus(r, now),
      linkedAt: r.linkedAt,
      expiresAt: r.expiresAt,
      lastRefreshedAt: r.lastRefreshedAt,
      lastVerifiedAt: r.lastVerifiedAt,
      lastError: r.lastError,
    })),
  };
}

/** The outcome of revokeConnection; `message` is a sentence for people. */
export type RevokeConnectionResult =
  | { kind: "not_found" }
  /** The connection had already ended (disconnected, or revoked by the service): nothing was done. */
  | { kind: "ended"; state: ConnectionState; service: string }
  | { kind: "failed"; error: string }
  | { kind: "revoked" | "pending"; message: string };

/**
 * Revokes connection `connectionId` through the same path as the athlete's Disconnect (disconnectConnection:
 * revoke at the service, pending on outage, wipe) on behalf of `actorId` (an admin; null for an API key, which
 * `actorLabel` then names, e.g. `API key "Planner" (tlk_0a1b2c3d)`), and records one `connection_revoked` admin
 * action whose detail names the label and `reason` (detailWithReason). Checks no permission: its callers do (revokeConnectionAsAdmin, the API's
 * `connections:revoke` scope). A connection that has already ended resolves to `ended` and records nothing.
 */
export async function revokeConnection(input: {
  connectionId: string;
  actorId: string | null;
  actorLabel?: string;
  /** Why the administrator revoked it (at most 500 characters): stored in the admin action, shown on the athlete's card. */
  reason?: string | null;
}): Promise<RevokeConnectionResult> {
  const { connectionId, actorId, actorLabel, reason } = input;
  const read = () =>
    db
      .select({ userId: accounts.userId, provider: accounts.provider, state: accounts.state, name: users.name })
      .from(accounts)
      .innerJoin(users, eq(users.id, accounts.userId))
      .where(eq(accounts.id, connectionId))
      .limit(1)
      .then(firstRow);
  const row = await read();
  if (!row) return { kind: "not_found" };
  const service = getIntegration(row.provider).name;
  if (!isLiveState(row.state)) return { kind: "ended", state: row.state, service };
  const result = await disconnectConnection({ athleteId: row.userId, actorId, service: row.provider, actorLabel });
  if (failed(result)) {
    const now = await read(); // ended meanwhile (a concurrent revoke) is not a failure
    if (now && !isLiveState(now.state)) return { kind: "ended", state: now.state, service };
    return { kind: "failed", error: result.error };
  }
  const outcome = result.pending
    ? "revocation pending: the service was unreachable"
    : result.revoked
      ? "revoked at the service"
      : result.refused
        ? "the service refused the revocation; tokens wiped locally"
        : "wiped locally (no revocation endpoint)";
  await recordAdminAction({
    actorId,
    targetUserId: row.userId,
    kind: "connection_revoked",
    service: row.provider,
    detail: detailWithReason(actorLabel ? `${outcome}; by ${actorLabel}` : outcome, reason),
  });
  if (result.pending)
    return { kind: "pending", message: `${service} could not be reached; the revocation for ${row.name} is pending and retried automatically.` };
  if (result.refused)
    return {
      kind: "revoked",
      message: `${row.name}'s ${service} connection was ended here and its tokens deleted, but ${service} refused the revocation.`,
    };
  return { kind: "revoked", message: `${row.name}'s ${service} connection was revoked.${result.note ? ` ${result.note}` : ""}` };
}

/**
 * Revokes connection `connectionId` as an admin (revokeConnection with the admin as the actor of the
 * connection event and of the `connection_revoked` admin action), with the admin's `reason` when given (the
 * single Revoke asks for one; bulk revoke gives none). Admins only (ForbiddenError).
 */
export async function revokeConnectionAsAdmin(
  viewer: SessionUser | null,
  connectionId: string,
  reason?: string | null,
): Promise<{ ok: string } | { error: string }> {
  assertCan(viewer, "connections.revoke_any");
  const result = await revokeConnection({ connectionId, actorId: viewer.id, reason });
  switch (result.kind) {
    case "not_found":
      return { error: "That connection no longer exists." };
    case "ended":
      return { error: `${result.service} is not connected.` };
    case "failed":
      return { error: result.error };
    default:
      return { ok: result.message };
  }
}
