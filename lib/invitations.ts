import "server-only";
import { failed, type Result } from "@/lib/result";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, asc, desc, eq, gt, isNotNull, isNull, or, sql } from "drizzle-orm";
import { firstRow } from "@/db/first";
import { db, type Executor } from "@/db";
import { coachAthletes, invitations, users } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { hashPassword } from "@/lib/auth/password";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan, can } from "@/lib/authz";
import { env } from "@/lib/env";
import { formatUtc } from "@/lib/time";

/** How long an invite link stays valid after it is created, in milliseconds (7 days). */
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** Longest token accepted from a URL; real tokens are 43 base64url characters (256 bits). */
const MAX_TOKEN_LENGTH = 200;

/** The SHA-256 (hex) of an invite token: the only form in which a token is ever stored. */
function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** "8 Mar 2026, 14:05" (UTC; callers append " UTC"). */
function formatWhen(date: Date): string {
  return formatUtc(date, "d MMM yyyy, HH:mm");
}

/**
 * Creates a single-use invite link for `coach`'s roster, valid for INVITATION_LIFETIME_MS (7 days).
 * The token is 256 random bits, base64url (43 characters); only its SHA-256 is stored, so the returned `url`
 * (`${NEXTAUTH_URL}/invite/<token>`) can never be shown again. `expiresAt` is the absolute expiry.
 * Throws ForbiddenError unless `coach` holds `invitations.create`.
 */
export async function createInvitation(coach: SessionUser): Promise<{ url: string; expiresAt: Date }> {
  assertCan(coach, "invitations.create");
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  const expiresAt = new Date(now + INVITATION_LIFETIME_MS);
  await db.insert(invitations).values({ id: randomUUID(), tokenHash: hashToken(token), coachId: coach.id, createdAt: new Date(now), expiresAt });
  return { url: `${env.NEXTAUTH_URL.replace(/\/+$/, "")}/invite/${token}`, expiresAt };
}

export type InvitationCheck = { coachName: string; expiresAt: Date } | { error: "unknown" | "used" | "expired"; expiredAt?: Date; usedAt?: Date };

/**
 * Says whether the invite link with `token` can still be accepted (read only; consumes nothing).
 * `unknown`: no such token, or its coach is disabled or no longer a coach. `used` carries `usedAt`,
 * `expired` carries `expiredAt` (a used link reports `used` even when it has also expired).
 */
export async function checkInvitation(token: string): Promise<InvitationCheck> {
  if (!token || token.length > MAX_TOKEN_LENGTH) return { error: "unknown" };
  const row = await db
    .select({
      expiresAt: invitations.expiresAt,
      usedAt: invitations.usedAt,
      coachName: users.name,
      coachRole: users.role,
      coachDisabledAt: users.disabledAt,
    })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.coachId))
    .where(eq(invitations.tokenHash, hashToken(token)))
    .limit(1)
    .then(firstRow);
  if (!row || row.coachRole !== "coach" || row.coachDisabledAt) return { error: "unknown" };
  if (row.usedAt) return { error: "used", usedAt: row.usedAt };
  if (row.expiresAt.getTime() <= Date.now()) return { error: "expired", expiredAt: row.expiresAt };
  return { coachName: row.coachName, expiresAt: row.expiresAt };
}

/** The sentence a visitor reads for a refused invitation. */
function refusalSentence(check: Extract<InvitationCheck, { error: string }>): string {
  switch (check.error) {
    case "used":
      return "This invite link was already used. Ask your coach for a new one.";
    case "expired":
      return check.expiredAt
        ? `This invite link expired on ${formatWhen(check.expiredAt)} UTC. Ask your coach for a new one.`
        : "This invite link has expired. Ask your coach for a new one.";
    default:
      return "This invite link is not valid. Check that you copied the whole link, or ask your coach for a new one.";
  }
}

const EMAIL_EXISTS = "An account with this email already exists. Sign in instead.";

/** Thrown inside the acceptance transaction to roll everything back and answer with `message`. */
class Refusal extends Error {
  override name = "InvitationRefusal";
}

/**
 * Inside a transaction: consumes the invitation whose token hashes to `tokenHash` (sets used_at = `now`; unused
 * and unexpired only, via a conditional UPDATE … RETURNING, so two concurrent claims cannot both succeed) and
 * checks that its coach is still an enabled coach (share-locked on PostgreSQL). Resolves to the invitation id and
 * coach id and the coach's name; throws Refusal (the caller rolls back) otherwise.
 */
async function claimInvitation(tx: Executor, tokenHash: string, now: Date): Promise<{ id: string; coachId: string; coachName: string }> {
  const [claimed] = await tx
    .update(invitations)
    .set({ usedAt: now })
    .where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.usedAt), gt(invitations.expiresAt, now)))
    .returning({ id: invitations.id, coachId: invitations.coachId });
  if (!claimed) {
    const row = await tx
      .select({ usedAt: invitations.usedAt, expiresAt: invitations.expiresAt })
      .from(invitations)
      .where(eq(invitations.tokenHash, tokenHash))
      .limit(1)
      .then(firstRow);
    throw new Refusal(
      refusalSentence(
        !row ? { error: "unknown" } : row.usedAt ? { error: "used", usedAt: row.usedAt } : { error: "expired", expiredAt: row.expiresAt },
      ),
    );
  }
  const coachQuery = tx
    .select({ role: users.role, name: users.name, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, claimed.coachId))
    .limit(1);
  const [coach] = await (db.engine === "postgres" ? coachQuery.for("share") : coachQuery);
  if (!coach || coach.role !== "coach" || coach.disabledAt) throw new Refusal(refusalSentence({ error: "unknown" }));
  return { ...claimed, coachName: coach.name };
}

/** The new athlete's user id, or a Failure sentence. */
export type AcceptResult = Result<{ userId: string }>;

/**
 * Signs a new athlete up through the invite link with `token`: on success the invitation is marked used
 * (used_at, used_by), the user exists with role athlete, an argon2id hash and the lower-cased email, and is
 * on the inviting coach's roster; the audit log gets `user_created`, `invitation_accepted` and `coach_assigned`
 * (actor: the new athlete), in the same transaction. The input is expected to be validated already (name
 * trimmed, email valid).
 *
 * The password is hashed before the write transaction (argon2 takes ~50 ms; no lock is held meanwhile);
 * a read-only pre-check refuses hopeless requests without spending that time. The writes then happen in one
 * transaction that consumes the invitation with a conditional UPDATE … RETURNING (unused and unexpired only:
 * on PostgreSQL a concurrent acceptance waits for the row and then finds it used), so two concurrent
 * acceptances cannot both succeed; the coach's row is share-locked on PostgreSQL while it is checked (it cannot
 * be disabled or demoted meanwhile), and the user is inserted with ON CONFLICT (email) DO NOTHING, so a
 * concurrent sign-up with the same email is refused, not a constraint error. Any refusal rolls the whole
 * transaction back: nothing is half-written. Refusals resolve to `{ error }` with a sentence the visitor can act
 * on; unexpected database errors are thrown.
 */
export async function acceptInvitation(token: string, input: { name: string; email: string; password: string }): Promise<AcceptResult> {
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  const pre = await checkInvitation(token);
  if (failed(pre)) return { error: refusalSentence(pre) };
  if (await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1).then(firstRow)) return { error: EMAIL_EXISTS };

  const passwordHash = await hashPassword(input.password);
  const tokenHash = hashToken(token);
  const userId = randomUUID();
  try {
    await db.transaction(async (tx) => {
      const now = new Date();
      const claimed = await claimInvitation(tx, tokenHash, now);
      const existing = await tx
        .select({ id: users.id })
        .from(users)
        .where(sql`lower(${users.email}) = ${email}`)
        .limit(1)
        .then(firstRow);
      if (existing) throw new Refusal(EMAIL_EXISTS);
      const inserted = await tx
        .insert(users)
        .values({ id: userId, email, name, role: "athlete", passwordHash, createdAt: now })
        .onConflictDoNothing({ target: users.email })
        .returning({ id: users.id });
      if (inserted.length === 0) throw new Refusal(EMAIL_EXISTS);
      await tx.update(invitations).set({ usedBy: userId }).where(eq(invitations.id, claimed.id));
      await tx.insert(coachAthletes).values({ coachId: claimed.coachId, athleteId: userId, createdAt: now });
      await recordAdminAction(
        {
          actorId: userId,
          targetUserId: userId,
          kind: "user_created",
          detail: `${name} <${email}> as athlete, through ${claimed.coachName}'s invite link`,
        },
        tx,
      );
      await recordAdminAction(
        { actorId: userId, targetUserId: userId, kind: "invitation_accepted", detail: `invite ${claimed.id} from coach ${claimed.coachName}` },
        tx,
      );
      await recordAdminAction(
        { actorId: userId, targetUserId: userId, kind: "coach_assigned", detail: `coach ${claimed.coachName} (invite link)` },
        tx,
      );
    });
  } catch (error) {
    if (error instanceof Refusal) return { error: error.message };
    throw error;
  }
  return { userId };
}

/**
 * `coach`'s invitations that can still be accepted (unused, unexpired), oldest first, for display:
 * id, createdAt and expiresAt only (the token is not stored, so links cannot be shown again).
 * Throws ForbiddenError unless `coach` holds `invitations.create`.
 */
export async function listOpenInvitations(coach: SessionUser): Promise<{ id: string; createdAt: Date; expiresAt: Date }[]> {
  assertCan(coach, "invitations.create");
  return await db
    .select({ id: invitations.id, createdAt: invitations.createdAt, expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(and(eq(invitations.coachId, coach.id), isNull(invitations.usedAt), gt(invitations.expiresAt, new Date())))
    .orderBy(asc(invitations.createdAt));
}

const ALREADY_ON_ROSTER = (coachName: string) =>
  `You are already on ${coachName}'s roster. This invite link was not used, so ${coachName} can give it to someone else.`;

/** The roster the athlete joined (the coach's name), or a Failure sentence. */
export type JoinResult = Result<{ coachName: string }>;

/**
 * Puts the signed-in `athlete` (an existing account) on the roster of the coach who created the invite link with
 * `token`, consuming the link (used_at, used_by = athlete). One transaction: the claim is the same conditional
 * UPDATE … RETURNING as acceptInvitation (so a link cannot be used twice, even concurrently), the roster row is
 * inserted, and `invitation_accepted` plus `coach_assigned` are audited (actor: the athlete). An athlete already on
 * that coach's roster is refused and the link stays unused. Refusals resolve to `{ error }` (a sentence the
 * athlete can act on; nothing written); unexpected database errors are thrown.
 * Throws ForbiddenError unless `athlete` holds `invitations.accept` (athletes only).
 */
export async function joinRosterByInvitation(token: string, athlete: SessionUser): Promise<JoinResult> {
  assertCan(athlete, "invitations.accept");
  const pre = await checkInvitation(token);
  if (failed(pre)) return { error: refusalSentence(pre) };
  const tokenHash = hashToken(token);
  try {
    return await db.transaction(async (tx) => {
      const now = new Date();
      const claimed = await claimInvitation(tx, tokenHash, now);
      const onRoster = await tx
        .select({ athleteId: coachAthletes.athleteId })
        .from(coachAthletes)
        .where(and(eq(coachAthletes.coachId, claimed.coachId), eq(coachAthletes.athleteId, athlete.id)))
        .limit(1)
        .then(firstRow);
      if (onRoster) throw new Refusal(ALREADY_ON_ROSTER(claimed.coachName));
      const inserted = await tx
        .insert(coachAthletes)
        .values({ coachId: claimed.coachId, athleteId: athlete.id, createdAt: now })
        .onConflictDoNothing()
        .returning({ athleteId: coachAthletes.athleteId });
      if (inserted.length === 0) throw new Refusal(ALREADY_ON_ROSTER(claimed.coachName));
      await tx.update(invitations).set({ usedBy: athlete.id }).where(eq(invitations.id, claimed.id));
      await recordAdminAction(
        {
          actorId: athlete.id,
          targetUserId: athlete.id,
          kind: "invitation_accepted",
          detail: `invite ${claimed.id} from coach ${claimed.coachName} (existing account)`,
        },
        tx,
      );
      await recordAdminAction(
        { actorId: athlete.id, targetUserId: athlete.id, kind: "coach_assigned", detail: `coach ${claimed.coachName} (invite link)` },
        tx,
      );
      return { coachName: claimed.coachName };
    });
  } catch (error) {
    if (error instanceof Refusal) return { error: error.message };
    throw error;
  }
}

/** How long a used invitation stays in the coach's list after it was used, in milliseconds (30 days). */
export const USED_INVITATION_LISTED_MS = 30 * 24 * 60 * 60 * 1000;

/** One row of a coach's invite list: open (usedAt null, not expired) or used (by `usedBy`, null if that account was deleted). */
export type InvitationListItem = {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedBy: { id: string; name: string; email: string } | null;
};

/**
 * `coach`'s invitations for the coach page: the open ones (unused, unexpired) and those used in the last
 * USED_INVITATION_LISTED_MS (30 days) with who used them, newest first. Expired unused links are left out.
 * Throws ForbiddenError unless `coach` holds `invitations.create`.
 */
export async function listInvitations(coach: SessionUser, nowMs = Date.now()): Promise<InvitationListItem[]> {
  assertCan(coach, "invitations.create");
  const now = new Date(nowMs);
  const rows = await db
    .select({
      id: invitations.id,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
      usedAt: invitations.usedAt,
      usedById: users.id,
      usedByName: users.name,
      usedByEmail: users.email,
    })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.usedBy))
    .where(
      and(
        eq(invitations.coachId, coach.id),
        or(
          and(isNull(invitations.usedAt), gt(invitations.expiresAt, now)),
          and(isNotNull(invitations.usedAt), gt(invitations.usedAt, new Date(nowMs - USED_INVITATION_LISTED_MS))),
        ),
      ),
    )
    .orderBy(desc(invitations.createdAt));
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    usedAt: r.usedAt,
    usedBy: r.usedById ? { id: r.usedById, name: r.usedByName ?? "", email: r.usedByEmail ?? "" } : null,
  }));
}

/**
 * Cancels one of `coach`'s unused invitations (`invitationId`): the row is deleted, so its link then reads
 * "not valid". Audited as `invitation_cancelled` in the same transaction. A used link, another coach's, or an
 * unknown id is refused with a sentence (nothing written). Throws ForbiddenError unless `coach` holds
 * `invitations.create`.
 */
export async function cancelInvitation(coach: SessionUser, invitationId: string): Promise<Result<{ ok: true }>> {
  assertCan(coach, "invitations.create");
  return await db.transaction(async (tx) => {
    const deleted = await tx
      .delete(invitations)
      .where(and(eq(invitations.id, invitationId), eq(invitations.coachId, coach.id), isNull(invitations.usedAt)))
      .returning({ id: invitations.id, createdAt: invitations.createdAt });
    const row = deleted[0];
    if (!row) return { error: "This invite link was already used or cancelled. Reload the page to see your current invites." };
    await recordAdminAction(
      { actorId: coach.id, kind: "invitation_cancelled", detail: `invite ${row.id} created ${formatWhen(row.createdAt)} UTC` },
      tx,
    );
    return { ok: true as const };
  });
}

/** Whether `user` could join a roster through an invite link while signed in (athletes only). */
export function canJoinByInvitation(user: SessionUser): boolean {
  return can(user, "invitations.accept");
}
