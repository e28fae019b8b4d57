import "server-only";
import type { Outcome } from "@/lib/result";
import { randomUUID } from "node:crypto";
import { and, asc, count, eq, inArray, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { db } from "@/db";
import { accounts, coachAthletes, users, type Role } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { LIVE_STATES } from "@/lib/connections/state-machine";
import { recordAdminAction } from "@/lib/admin/actions-log";

export const USERS_PAGE_SIZE = 50;

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
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
 * One page (50 rows, `page` from 1, clamped) of users matching `q` (name or email, case-insensitive), ordered
 * by name, with their live-connection count and coaches. Three queries whatever the page. Admins only:
 * throws ForbiddenError for anyone else.
 */
export async function listUsersPage(viewer: SessionUser | null, options: { q?: string; page?: number } = {}) {
  assertCan(viewer, "users.manage");
  const q = options.q?.trim();
  const where = q
    ? or(sql`${users.name} LIKE ${likePattern(q)} ESCAPE '\\'`, sql`${users.email} LIKE ${likePattern(q.toLowerCase())} ESCAPE '\\'`)
    : undefined;
  const total = db.select({ n: count() }).from(users).where(where).get()?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / USERS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pageCount);
  const base = db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(where)
    .orderBy(asc(users.name), asc(users.id))
    .limit(USERS_PAGE_SIZE)
    .offset((page - 1) * USERS_PAGE_SIZE)
    .all();
  const ids = base.map((u) => u.id);
  const counts = ids.length
    ? db
        .select({ userId: accounts.userId, n: count() })
        .from(accounts)
        .where(and(inArray(accounts.userId, ids), inArray(accounts.state, LIVE_STATES)))
        .groupBy(accounts.userId)
        .all()
    : [];
  const coach = alias(users, "coach");
  const coachRows = ids.length
    ? db
        .select({ athleteId: coachAthletes.athleteId, name: coach.name })
        .from(coachAthletes)
        .innerJoin(coach, eq(coach.id, coachAthletes.coachId))
        .where(inArray(coachAthletes.athleteId, ids))
        .orderBy(asc(coach.name))
        .all()
    : [];
  const rows: AdminUserRow[] = base.map((u) => ({
    ...u,
    connected: counts.find((c) => c.userId === u.id)?.n ?? 0,
    coaches: coachRows.filter((c) => c.athleteId === u.id).map((c) => c.name),
  }));
  return { rows, total, page, pageCount };
}

/** A user with their coaches (athletes) for the admin's user page, or null. Admins only. */
export async function getUserForAdmin(viewer: SessionUser | null, userId: string) {
  assertCan(viewer, "users.manage");
  const user = db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, disabledAt: users.disabledAt, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!user) return null;
  const coachIds = db
    .select({ coachId: coachAthletes.coachId })
    .from(coachAthletes)
    .where(eq(coachAthletes.athleteId, userId))
    .all()
    .map((r) => r.coachId);
  return { ...user, coachIds };
}

/** Every active coach (id, name, email), for assignment forms. Admins only. */
export async function listCoaches(viewer: SessionUser | null) {
  assertCan(viewer, "users.manage");
  return db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.role, "coach")).orderBy(asc(users.name)).all();
}

/** What an admin operation answers: lib/result.ts Outcome. */
export type AdminResult = Outcome;

/**
 * Creates a user with a role and an initial password (argon2id), recording `user_created`. Refuses an email
 * that exists. Admins only.
 */
export async function createUser(
  viewer: SessionUser | null,
  input: { name: string; email: string; role: Role; password: string },
): Promise<AdminResult> {
  assertCan(viewer, "users.manage");
  const email = input.email.toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db.transaction(
    (tx): AdminResult => {
      if (tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get())
        return { error: `A user with the email ${email} already exists.` };
      const id = randomUUID();
      tx.insert(users).values({ id, email, name: input.name, role: input.role, passwordHash }).run();
      recordAdminAction({ actorId: viewer.id, targetUserId: id, kind: "user_created", detail: `${input.name} <${email}> as ${input.role}` }, tx);
      return { ok: `${input.name} can now sign in as ${input.role} with ${email}.` };
    },
    { behavior: "immediate" },
  );
}

/** Changes a user's role (not one's own: an admin cannot demote themself), recording `role_changed`. */
export async function changeRole(viewer: SessionUser | null, userId: string, role: Role): Promise<AdminResult> {
  assertCan(viewer, "users.manage");
  if (userId === viewer.id) return { error: "You cannot change your own role. Ask another administrator." };
  return db.transaction(
    (tx): AdminResult => {
      const user = tx.select({ name: users.name, role: users.role }).from(users).where(eq(users.id, userId)).get();
      if (!user) return { error: "That user no longer exists." };
      if (user.role === role) return { ok: `${user.name} already is ${role}.` };
      tx.update(users).set({ role }).where(eq(users.id, userId)).run();
      recordAdminAction({ actorId: viewer.id, targetUserId: userId, kind: "role_changed", detail: `${user.role} → ${role}` }, tx);
      return { ok: `${user.name} is now ${role}. The change applies at their next request.` };
    },
    { behavior: "immediate" },
  );
}

/**
 * Disables (or re-enables) a user. A disabled user's open sessions stop working at their next request
 * (every request re-reads the user). Not oneself. Records `user_disabled` / `user_enabled`.
 */
export async function setUserDisabled(viewer: SessionUser | null, userId: string, disabled: boolean): Promise<AdminResult> {
  assertCan(viewer, "users.manage");
  if (userId === viewer.id) return { error: "You cannot disable your own account." };
  return db.transaction(
    (tx): AdminResult => {
      const user = tx.select({ name: users.name }).from(users).where(eq(users.id, userId)).get();
      if (!user) return { error: "That user no longer exists." };
      tx.update(users)
        .set(disabled ? { disabledAt: new Date(), sessionsRevokedAt: new Date() } : { disabledAt: null })
        .where(eq(users.id, userId))
        .run();
      recordAdminAction({ actorId: viewer.id, targetUserId: userId, kind: disabled ? "user_disabled" : "user_enabled" }, tx);
      return { ok: disabled ? `${user.name} is disabled: their sessions stop working at their next request.` : `${user.name} can sign in again.` };
    },
    { behavior: "immediate" },
  );
}

/**
 * Sets the coaches of athlete `athleteId` to exactly `coachIds` (an athlete may have several), recording one
 * `coach_assigned` / `coach_unassigned` per change. Ids that are not coaches are refused.
 */
export async function setCoaches(viewer: SessionUser | null, athleteId: string, coachIds: string[]): Promise<AdminResult> {
  assertCan(viewer, "users.manage");
  const wanted = [...new Set(coachIds)];
  return db.transaction(
    (tx): AdminResult => {
      const athlete = tx.select({ name: users.name, role: users.role }).from(users).where(eq(users.id, athleteId)).get();
      if (!athlete || athlete.role !== "athlete") return { error: "Coaches can only be assigned to athletes." };
      const coaches = wanted.length
        ? tx
            .select({ id: users.id, name: users.name })
            .from(users)
            .where(and(inArray(users.id, wanted), eq(users.role, "coach")))
            .all()
        : [];
      if (coaches.length !== wanted.length) return { error: "One of the chosen people is not a coach any more. Reload and try again." };
      const current = tx
        .select({ coachId: coachAthletes.coachId })
        .from(coachAthletes)
        .where(eq(coachAthletes.athleteId, athleteId))
        .all()
        .map((r) => r.coachId);
      const added = wanted.filter((id) => !current.includes(id));
      const removed = current.filter((id) => !wanted.includes(id));
      for (const coachId of added) {
        tx.insert(coachAthletes).values({ coachId, athleteId }).run();
        recordAdminAction(
          { actorId: viewer.id, targetUserId: athleteId, kind: "coach_assigned", detail: `coach ${coaches.find((c) => c.id === coachId)?.name}` },
          tx,
        );
      }
      if (removed.length)
        tx.delete(coachAthletes)
          .where(and(eq(coachAthletes.athleteId, athleteId), inArray(coachAthletes.coachId, removed)))
          .run();
      for (const coachId of removed)
        recordAdminAction({ actorId: viewer.id, targetUserId: athleteId, kind: "coach_unassigned", detail: `coach id ${coachId}` }, tx);
      return {
        ok: added.length + removed.length === 0 ? "No change." : `${athlete.name} now has ${wanted.length} coach${wanted.length === 1 ? "" : "es"}.`,
      };
    },
    { behavior: "immediate" },
  );
}

/**
 * The active athlete (role athlete, not disabled) whose email is `email` (any case), as `{ id, name }`, or
 * null. For the admin's ExorLive link form, which takes an email rather than listing thousands of athletes.
 * Throws ForbiddenError unless `viewer` may link for athletes.
 */
export async function findActiveAthleteByEmail(viewer: SessionUser | null, email: string) {
  assertCan(viewer, "connections.link_for_athlete");
  return (
    db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(and(eq(users.email, email.trim().toLowerCase()), eq(users.role, "athlete"), sql`${users.disabledAt} IS NULL`))
      .get() ?? null
  );
}
