import "server-only";
import type { Outcome } from "@/lib/result";
import { randomUUID } from "node:crypto";
import { and, asc, count, desc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { alias, type AnyPgColumn } from "drizzle-orm/pg-core";
import { db, type Transaction } from "@/db";
import { countUpTo, type BoundedCount } from "@/db/count";
import { firstRow } from "@/db/first";
import { accounts, coachAthletes, users, type Role } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { LIVE_STATES } from "@/lib/connections/state-machine";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { cursorCodec, keysetPage, keysetPlan, type KeysetRequest } from "@/lib/keyset";

export const USERS_PAGE_SIZE = 50;

/** Escapes LIKE wildcards so a search for "50%" means the text "50%" (the escape character is a backslash). */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface AdminUserRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  disabledAt: Date | null;
  /** Live connections (athletes only). */
  connected: number;
  /** Names of the athlete's coaches (athletes only). */
  coaches: string[];
}

/**
 * `column` contains `q`, case-insensitively, on both engines: `lower(column) LIKE lower(pattern)` (SQLite's LIKE
 * ignores ASCII case but PostgreSQL's does not; on PostgreSQL lower() folds every letter, on SQLite ASCII ones).
 */
function containsText(column: AnyPgColumn, q: string): SQL {
  return sql`lower(${column}) LIKE lower(${likePattern(q)}) ESCAPE '\\'`;
}

const usersCursor = cursorCodec(z.tuple([z.string().max(500), z.string().max(100)]));

/**
 * One page (50 rows) of users matching `q` (name or email, case-insensitive), ordered by name, then id (equal
 * names keep one order), with their live-connection count and coaches. Keyset pagination (lib/keyset.ts):
 * `after` (the next page), `before` (the previous one) or `last` (the final page) seek through users_name_idx
 * (name, id), so the last of 1,000 pages costs what the first does. Resolves to the rows, the matching total
 * (countUpTo: exact up to 10,000, then "10,000+") and the cursors of the previous and next pages (null at the
 * ends). Four queries whatever the page. Admins only: throws ForbiddenError for anyone else.
 */
export async function listUsersPage(
  viewer: SessionUser | null,
  options: { q?: string } & KeysetRequest = {},
): Promise<{ rows: AdminUserRow[]; total: BoundedCount; previous: string | null; next: string | null }> {
  assertCan(viewer, "users.manage");
  const q = options.q?.trim();
  const where = q ? or(containsText(users.name, q), containsText(users.email, q)) : undefined;
  const plan = keysetPlan(usersCursor, options);
  const seek = plan.after
    ? sql`(${users.name}, ${users.id}) > (${plan.after[0]}, ${plan.after[1]})`
    : plan.before
      ? sql`(${users.name}, ${users.id}) < (${plan.before[0]}, ${plan.before[1]})`
      : undefined;
  const [total, fetched] = await Promise.all([
    countUpTo(users, where),
    db
      .select({ id: users.id, name: users.name, email: users.email, role: users.role, disabledAt: users.disabledAt })
      .from(users)
      .where(and(where, seek))
      .orderBy(...(plan.backwards ? [desc(users.name), desc(users.id)] : [asc(users.name), asc(users.id)]))
      .limit(USERS_PAGE_SIZE + 1),
  ]);
  const { rows: base, hasPrevious, hasNext } = keysetPage(fetched, plan, USERS_PAGE_SIZE);
  const ids = base.map((u) => u.id);
  const coach = alias(users, "coach");
  const [counts, coachRows] = ids.length
    ? await Promise.all([
        db
          .select({ userId: accounts.userId, n: count() })
          .from(accounts)
          .where(and(inArray(accounts.userId, ids), inArray(accounts.state, LIVE_STATES)))
          .groupBy(accounts.userId),
        db
          .select({ athleteId: coachAthletes.athleteId, name: coach.name })
          .from(coachAthletes)
          .innerJoin(coach, eq(coach.id, coachAthletes.coachId))
          .where(inArray(coachAthletes.athleteId, ids))
          .orderBy(asc(coach.name)),
      ])
    : [[], []];
  const rows: AdminUserRow[] = base.map((u) => ({
    ...u,
    connected: counts.find((c) => c.userId === u.id)?.n ?? 0,
    coaches: coachRows.filter((c) => c.athleteId === u.id).map((c) => c.name),
  }));
  const first = base[0];
  const last = base.at(-1);
  return {
    rows,
    total,
    previous: hasPrevious && first ? usersCursor.encode([first.name, first.id]) : null,
    next: hasNext && last ? usersCursor.encode([last.name, last.id]) : null,
  };
}

/**
 * A user for the admin's user page — id, name, email, role, disabledAt, createdAt and `coachIds` (the ids of
 * their coaches; athletes only, else empty) — or null when there is no such user. Admins only.
 */
export async function getUserForAdmin(viewer: SessionUser | null, userId: string) {
  assertCan(viewer, "users.manage");
  const user = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, disabledAt: users.disabledAt, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1)
    .then(firstRow);
  if (!user) return null;
  const coachIds = (await db.select({ coachId: coachAthletes.coachId }).from(coachAthletes).where(eq(coachAthletes.athleteId, userId))).map(
    (r) => r.coachId,
  );
  return { ...user, coachIds };
}

/** Every coach (id, name, email), ordered by name, for assignment forms. Admins only. */
export async function listCoaches(viewer: SessionUser | null): Promise<{ id: string; name: string; email: string }[]> {
  assertCan(viewer, "users.manage");
  return await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.role, "coach")).orderBy(asc(users.name));
}

/** What an admin operation answers: lib/result.ts Outcome. */
export type AdminResult = Outcome;

/**
 * The name and role of user `userId` inside transaction `tx`, or undefined. With `lock`, the row is locked until
 * the transaction ends (PostgreSQL: FOR UPDATE, or FOR SHARE with "share"; SQLite's write transactions are
 * serialized already), so a decision taken on what was read still holds when the transaction writes.
 */
async function readUser(tx: Transaction, userId: string, lock: "update" | "share") {
  const query = tx.select({ name: users.name, role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
  return (await (db.engine === "postgres" ? query.for(lock) : query))[0];
}

/**
 * Creates a user with a role and an initial password (argon2id, hashed before the transaction), recording
 * `user_created`. Refuses an email that exists (atomically: the insert does nothing on a taken email, so two
 * concurrent creations cannot both succeed nor fail with a constraint error). Admins only.
 */
export async function createUser(
  viewer: SessionUser | null,
  input: { name: string; email: string; role: Role; password: string },
): Promise<AdminResult> {
  assertCan(viewer, "users.manage");
  const email = input.email.toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx): Promise<AdminResult> => {
    const id = randomUUID();
    const inserted = await tx
      .insert(users)
      .values({ id, email, name: input.name, role: input.role, passwordHash })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (inserted.length === 0) return { error: `A user with the email ${email} already exists.` };
    await recordAdminAction({ actorId: viewer.id, targetUserId: id, kind: "user_created", detail: `${input.name} <${email}> as ${input.role}` }, tx);
    return { ok: `${input.name} can now sign in as ${input.role} with ${email}.` };
  });
}

/**
 * Changes a user's role (not one's own: an admin cannot demote themself), recording `role_changed` with the
 * old and new role. The user's row is locked while it is read and updated (PostgreSQL), so concurrent changes
 * record the role each one really replaced. Admins only.
 */
export async function changeRole(viewer: SessionUser | null, userId: string, role: Role): Promise<AdminResult> {
  assertCan(viewer, "users.manage");
  if (userId === viewer.id) return { error: "You cannot change your own role. Ask another administrator." };
  return db.transaction(async (tx): Promise<AdminResult> => {
    const user = await readUser(tx, userId, "update");
    if (!user) return { error: "That user no longer exists." };
    if (user.role === role) return { ok: `${user.name} already is ${role}.` };
    await tx.update(users).set({ role }).where(eq(users.id, userId));
    await recordAdminAction({ actorId: viewer.id, targetUserId: userId, kind: "role_changed", detail: `${user.role} → ${role}` }, tx);
    return { ok: `${user.name} is now ${role}. The change applies at their next request.` };
  });
}

/**
 * Disables (or re-enables) a user. A disabled user's open sessions stop working at their next request
 * (every request re-reads the user). Not oneself. Records `user_disabled` / `user_enabled`. Admins only.
 */
export async function setUserDisabled(viewer: SessionUser | null, userId: string, disabled: boolean): Promise<AdminResult> {
  assertCan(viewer, "users.manage");
  if (userId === viewer.id) return { error: "You cannot disable your own account." };
  return db.transaction(async (tx): Promise<AdminResult> => {
    const now = new Date();
    const [user] = await tx
      .update(users)
      .set(disabled ? { disabledAt: now, sessionsRevokedAt: now } : { disabledAt: null })
      .where(eq(users.id, userId))
      .returning({ name: users.name });
    if (!user) return { error: "That user no longer exists." };
    await recordAdminAction({ actorId: viewer.id, targetUserId: userId, kind: disabled ? "user_disabled" : "user_enabled" }, tx);
    return { ok: disabled ? `${user.name} is disabled: their sessions stop working at their next request.` : `${user.name} can sign in again.` };
  });
}

/**
 * Sets the coaches of athlete `athleteId` to exactly `coachIds` (an athlete may have several), recording one
 * `coach_assigned` / `coach_unassigned` per change. Ids that are not coaches are refused. On PostgreSQL the
 * athlete's row is locked (FOR UPDATE: concurrent assignments for one athlete run one after the other, each
 * seeing the other's result) and the coaches' rows are share-locked (a coach cannot change role meanwhile).
 * Admins only.
 */
export async function setCoaches(viewer: SessionUser | null, athleteId: string, coachIds: string[]): Promise<AdminResult> {
  assertCan(viewer, "users.manage");
  const wanted = [...new Set(coachIds)];
  return db.transaction(async (tx): Promise<AdminResult> => {
    const athlete = await readUser(tx, athleteId, "update");
    if (!athlete || athlete.role !== "athlete") return { error: "Coaches can only be assigned to athletes." };
    const coachQuery = tx
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(and(inArray(users.id, wanted), eq(users.role, "coach")))
      .orderBy(asc(users.id));
    const coaches = wanted.length ? await (db.engine === "postgres" ? coachQuery.for("share") : coachQuery) : [];
    if (coaches.length !== wanted.length) return { error: "One of the chosen people is not a coach any more. Reload and try again." };
    const current = (await tx.select({ coachId: coachAthletes.coachId }).from(coachAthletes).where(eq(coachAthletes.athleteId, athleteId))).map(
      (r) => r.coachId,
    );
    const added = wanted.filter((id) => !current.includes(id));
    const removed = current.filter((id) => !wanted.includes(id));
    for (const coachId of added) {
      await tx.insert(coachAthletes).values({ coachId, athleteId });
      await recordAdminAction(
        { actorId: viewer.id, targetUserId: athleteId, kind: "coach_assigned", detail: `coach ${coaches.find((c) => c.id === coachId)?.name}` },
        tx,
      );
    }
    if (removed.length) await tx.delete(coachAthletes).where(and(eq(coachAthletes.athleteId, athleteId), inArray(coachAthletes.coachId, removed)));
    for (const coachId of removed)
      await recordAdminAction({ actorId: viewer.id, targetUserId: athleteId, kind: "coach_unassigned", detail: `coach id ${coachId}` }, tx);
    return {
      ok: added.length + removed.length === 0 ? "No change." : `${athlete.name} now has ${wanted.length} coach${wanted.length === 1 ? "" : "es"}.`,
    };
  });
}

/**
 * The active athlete (role athlete, not disabled) whose email is `email` (any case), as `{ id, name }`, or
 * null. For the admin's ExorLive link form, which takes an email rather than listing thousands of athletes.
 * Throws ForbiddenError unless `viewer` may link for athletes.
 */
export async function findActiveAthleteByEmail(viewer: SessionUser | null, email: string): Promise<{ id: string; name: string } | null> {
  assertCan(viewer, "connections.link_for_athlete");
  const athlete = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.email, email.trim().toLowerCase()), eq(users.role, "athlete"), isNull(users.disabledAt)))
    .limit(1)
    .then(firstRow);
  return athlete ?? null;
}
