import "server-only";
import { randomUUID } from "node:crypto";
import { eq, lt, sql } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { revokedSessions, users, type Role, type User } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

/** The parts of a user the app passes around; never the password hash. */
export type SessionUser = Pick<User, "id" | "email" | "name" | "role">;

/**
 * Checks an email and password. Resolves to the user, or null for an unknown email, a wrong password or a
 * disabled account, taking the same argon2 time in every case (no user enumeration).
 */
export async function authenticate(email: string, password: string): Promise<SessionUser | null> {
  const user = await db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1).then(firstRow);
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!user || !ok || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/**
 * The active user with `id` for a session issued at `issuedAtSeconds` (the JWT's `iat`, seconds), or null when
 * the user is gone, disabled, or their sessions were revoked after this one was issued (a disabled and
 * re-enabled user must sign in again), or this session (`sid`) was ended by Sign out.
 */
export async function findActiveUser(id: string, issuedAtSeconds?: number, sid?: string): Promise<SessionUser | null> {
  // One query per request: the user and whether this session was signed out.
  const user = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      disabledAt: users.disabledAt,
      sessionsRevokedAt: users.sessionsRevokedAt,
      signedOut: sql<boolean>`EXISTS (SELECT 1 FROM ${revokedSessions} WHERE ${revokedSessions.sid} = ${sid ?? null})`.mapWith(Boolean),
    })
    .from(users)
    .where(eq(users.id, id))
    .limit(1)
    .then(firstRow);
  if (!user || user.disabledAt || user.signedOut) return null;
  if (user.sessionsRevokedAt && (issuedAtSeconds === undefined || issuedAtSeconds * 1000 < user.sessionsRevokedAt.getTime())) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/**
 * Ends session `sid` server-side (Sign out): its cookie, even copied, is refused until it expires at
 * `expiresAtSeconds` (seconds since the epoch); rows of sessions already expired are deleted on the way.
 */
export async function revokeSession(sid: string, expiresAtSeconds: number): Promise<void> {
  const now = new Date();
  await db.delete(revokedSessions).where(lt(revokedSessions.expiresAt, now));
  await db
    .insert(revokedSessions)
    .values({ sid, expiresAt: new Date(expiresAtSeconds * 1000) })
    .onConflictDoNothing();
}

/**
 * Creates a user with an argon2id password hash, or, when the email exists, leaves it as it is.
 * Resolves to the user's id. Emails are stored lower-case.
 */
export async function ensureUser(input: { email: string; name: string; role: Role; password: string }): Promise<string> {
  const email = input.email.toLowerCase();
  const existing = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1).then(firstRow);
  if (existing) return existing.id;
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password);
  await db.insert(users).values({ id, email, name: input.name, role: input.role, passwordHash }).onConflictDoNothing();
  const row = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1).then(firstRow);
  return row!.id;
}
