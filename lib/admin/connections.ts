import "server-only";
import { and, asc, count, desc, eq, gt, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, SERVICE_IDS, users, type ServiceId } from "@/db/schema";
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

/** Where a page of the admin connections list starts or ends: the (athlete name, athlete id, service) of a row. */
export interface ConnectionsCursor {
  name: string;
  userId: string;
  provider: ServiceId;
}

const cursorSchema = z.tuple([z.string().max(500), z.string().max(100), z.enum(SERVICE_IDS)]);

/** A cursor as it travels in a URL: base64url of a JSON triple (no token, nothing secret: a name, an id, a service). */
export function encodeCursor(cursor: ConnectionsCursor): string {
  return Buffer.from(JSON.stringify([cursor.name, cursor.userId, cursor.provider])).toString("base64url");
}

/** The cursor in `value`, or null when it is absent or not one of ours (a hand-edited URL starts at the top). */
export function decodeCursor(value: string | undefined): ConnectionsCursor | null {
  if (!value) return null;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success ? { name: parsed.data[0], userId: parsed.data[1], provider: parsed.data[2] } : null;
  } catch {
    return null;
  }
}

/**
 * One page (50 rows) of every connection of every athlete, filtered by service and derived status, ordered by
 * athlete name, then athlete id (equal names keep one order), then service. Keyset pagination: `after` (the next
 * page), `before` (the previous one) or `last` (the final page) seek straight to their place through
 * users_name_idx (name, id) and accounts_user_provider_uq, so the last of 4,000 pages costs what the first does
 * (an OFFSET walked every row before it). Resolves to the rows, the matching total, and the cursors of the
 * previous and next pages (null at the ends). Token columns are never selected. Admins only (ForbiddenError).
 */
export async function listConnectionsPage(
  viewer: SessionUser | null,
  options: { service?: ServiceId; status?: ListableStatus; athleteId?: string; after?: string; before?: string; last?: boolean } = {},
) {
  assertCan(viewer, "connections.revoke_any");
  const now = Date.now();
  const where = and(
    options.service ? eq(accounts.provider, options.service) : undefined,
    options.status ? statusCondition(options.status, now, env.REFRESH_MARGIN_SECONDS) : undefined,
    options.athleteId ? eq(accounts.userId, options.athleteId) : undefined,
  );
  const total = (await db.select({ n: count() }).from(accounts).where(where).limit(1).then(firstRow))?.n ?? 0;
  const after = decodeCursor(options.after);
  const before = after ? null : decodeCursor(options.before);
  const backwards = before !== null || (!after && options.last === true);
  // (name, id) ≥ the cursor's seeks in users_name_idx; the service breaks ties within one athlete.
  const seek = (c: ConnectionsCursor, direction: "after" | "before") =>
    direction === "after"
      ? and(
          sql`(${users.name}, ${users.id}) >= (${c.name}, ${c.userId})`,
          or(sql`(${users.name}, ${users.id}) > (${c.name}, ${c.userId})`, gt(accounts.provider, c.provider)),
        )
      : and(
          sql`(${users.name}, ${users.id}) <= (${c.name}, ${c.userId})`,
          or(sql`(${users.name}, ${users.id}) < (${c.name}, ${c.userId})`, lt(accounts.provider, c.provider)),
        );
  const order = backwards ? [desc(users.name), desc(users.id), desc(accounts.provider)] : [asc(users.name), asc(users.id), asc(accounts.provider)];
  const fetched = await db
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
    .from(users)
    .innerJoin(accounts, eq(accounts.userId, users.id))
    .where(and(where, after ? seek(after, "after") : before ? seek(before, "before") : undefined))
    .orderBy(...order)
    .limit(CONNECTIONS_PAGE_SIZE + 1);
  const more = fetched.length > CONNECTIONS_PAGE_SIZE;
  const page = fetched.slice(0, CONNECTIONS_PAGE_SIZE);
  if (backwards) page.reverse();
  const cursorOf = (r: (typeof page)[number]) => encodeCursor({ name: r.athleteName, userId: r.athleteId, provider: r.service });
  const first = page[0];
  const lastRow = page.at(-1);
  // Going forwards there is a previous page when we came from one; backwards, when more rows were found.
  const hasPrevious = backwards ? more : after !== null;
  const hasNext = backwards ? before !== null : more;
  return {
    total,
    previous: hasPrevious && first ? cursorOf(first) : null,
    next: hasNext && lastRow ? cursorOf(lastRow) : null,
    rows: page.map((r): AdminConnectionRow => ({
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
