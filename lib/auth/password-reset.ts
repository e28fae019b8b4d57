import "server-only";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { passwordResets, signInThrottle, users } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { componentLog } from "@/lib/log";
import { enqueueMail } from "@/lib/mail/outbox";
import { mailEnabled } from "@/lib/mail/transport";
import { appUrl, renderMail } from "@/lib/mail/render";

/**
 * Password reset and change (issue 18 point 1). A reset link carries 256 random bits (base64url, 43 characters);
 * only their SHA-256 is stored (password_resets.token_hash), the link is valid for RESET_LIFETIME_MS (30 minutes)
 * and works once. Asking for a link answers the same for known and unknown emails; it is rate limited per email
 * (RESET_MAX_PER_EMAIL per RESET_WINDOW_MS) and per client (RESET_MAX_PER_CLIENT per RESET_WINDOW_MS). A new
 * password (reset or change) ends every other session: users.sessions_revoked_at is moved to now.
 */

const log = componentLog("password-reset");

/** How long a reset link stays valid after it is created, in milliseconds (30 minutes). */
export const RESET_LIFETIME_MS = 30 * 60_000;
/** The window the rate limits count in, in milliseconds (1 hour). */
export const RESET_WINDOW_MS = 60 * 60_000;
/** Links mailed to one account per RESET_WINDOW_MS (self-service and admin together); further requests mail nothing. */
export const RESET_MAX_PER_EMAIL = 3;
/** Requests one client address may make per RESET_WINDOW_MS, whatever the emails. */
export const RESET_MAX_PER_CLIENT = 10;
/** Shortest and longest new password accepted, in characters. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
/** Longest token accepted from a URL; real tokens are 43 characters. */
const MAX_TOKEN_LENGTH = 200;

/** The SHA-256 (hex) of a reset token: the only form in which a token is stored. */
export function hashResetToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Why a new password is refused, in words for the form, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

/** The answer shown after "Send reset link" on the sign-in page, whatever happened (no user enumeration). */
export const RESET_REQUESTED_MESSAGE =
  "If an account uses that email, we have sent it a link to choose a new password. The link works once, for 30 minutes.";

/**
 * Counts one reset request from `client` (its address, or null when unknown: then only the per-email limit
 * applies) and says whether it is within RESET_MAX_PER_CLIENT per RESET_WINDOW_MS. One atomic upsert on the
 * sign-in throttle table under the key `reset-client:<address>` (a count restarts after a quiet window;
 * housekeeping deletes rows quiet for a day).
 */
async function clientAllowed(client: string | null, nowMs: number): Promise<boolean> {
  if (!client) return true;
  const now = new Date(nowMs);
  const [row] = await db
    .insert(signInThrottle)
    .values({ key: `reset-client:${client}`, failures: 1, lastFailureAt: now })
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: {
        failures: sql`CASE WHEN ${gt(signInThrottle.lastFailureAt, new Date(nowMs - RESET_WINDOW_MS))} THEN ${signInThrottle.failures} + 1 ELSE 1 END`,
        lastFailureAt: now,
      },
    })
    .returning({ failures: signInThrottle.failures });
  return (row?.failures ?? 1) <= RESET_MAX_PER_CLIENT;
}

/**
 * Creates a reset link for `user` and enqueues its mail in one transaction, unless RESET_MAX_PER_EMAIL links
 * were already created for the user within RESET_WINDOW_MS. Resolves to whether a link was created.
 * `requestedBy`: the admin who sent it, or null for self-service.
 */
async function issueResetLink(user: { id: string; email: string; name: string }, requestedBy: string | null, nowMs: number): Promise<boolean> {
  const token = randomBytes(32).toString("base64url");
  return db.transaction(async (tx) => {
    const recent = await tx
      .select({ n: count() })
      .from(passwordResets)
      .where(and(eq(passwordResets.userId, user.id), gt(passwordResets.createdAt, new Date(nowMs - RESET_WINDOW_MS))))
      .then(firstRow);
    if ((recent?.n ?? 0) >= RESET_MAX_PER_EMAIL) return false;
    const id = randomUUID();
    await tx.insert(passwordResets).values({
      id,
      tokenHash: hashResetToken(token),
      userId: user.id,
      requestedBy,
      createdAt: new Date(nowMs),
      expiresAt: new Date(nowMs + RESET_LIFETIME_MS),
    });
    const { text, html } = renderMail({
      greeting: `Hi ${user.name},`,
      paragraphs: [
        requestedBy
          ? "An administrator of TrainLink sent you a link to choose a new password."
          : "Someone (hopefully you) asked to reset the password of your TrainLink account.",
        "The link works once, for 30 minutes. If you did not ask for it, ignore this mail: your password stays as it is.",
      ],
      action: { label: "Choose a new password", url: appUrl(`/reset-password/${token}`) },
      footer: "You get this mail because a password reset was requested for your TrainLink account.",
    });
    await enqueueMail(
      { dedupeKey: `password-reset:${id}`, recipientId: user.id, to: user.email, subject: "Reset your TrainLink password", text, html },
      tx,
    );
    await recordAdminAction(
      { actorId: requestedBy, targetUserId: user.id, kind: requestedBy ? "password_reset_sent" : "password_reset_requested" },
      tx,
    );
    return true;
  });
}

/**
 * "Forgot password?": mails a reset link to the active account with `email`, if any, within the rate limits.
 * Resolves to nothing either way, so the caller shows RESET_REQUESTED_MESSAGE whatever happened. `client` is the
 * caller's address (lib/auth/throttle.ts clientAddress) or null.
 */
export async function requestPasswordReset(email: string, client: string | null, nowMs = Date.now()): Promise<void> {
  if (!(await clientAllowed(client, nowMs))) {
    log.warn({ reason: "client_limit" }, "password reset request refused");
    return;
  }
  const user = await db
    .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .limit(1)
    .then(firstRow);
  if (!user || user.disabledAt) return;
  if (!mailEnabled()) {
    log.warn({ reason: "mail_off" }, "password reset request not sent: SMTP_URL is not set");
    return;
  }
  if (!(await issueResetLink(user, null, nowMs))) log.warn({ userId: user.id, reason: "email_limit" }, "password reset request refused");
}

/**
 * The admin's "Send reset link" for user `userId`. Admins only (users.manage). Resolves to a message for the
 * admin page: the user is disabled or gone, the per-email limit is spent, or the link is on its way.
 */
export async function sendResetLinkAsAdmin(
  viewer: SessionUser | null,
  userId: string,
  nowMs = Date.now(),
): Promise<{ ok: string } | { error: string }> {
  assertCan(viewer, "users.manage");
  const user = await db
    .select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1)
    .then(firstRow);
  if (!user) return { error: "That user no longer exists." };
  if (!mailEnabled()) return { error: "TrainLink cannot send mail (SMTP_URL is not set), so no reset link was created." };
  if (user.disabledAt) return { error: `${user.name} is disabled: enable the account before sending a reset link.` };
  if (!(await issueResetLink(user, viewer.id, nowMs)))
    return { error: `${RESET_MAX_PER_EMAIL} reset links were already sent to ${user.name} within the last hour. Try again later.` };
  return { ok: `A reset link is on its way to ${user.email}. It works once, for 30 minutes.` };
}

/** Why a reset link cannot be used. */
export type ResetLinkProblem = "unknown" | "used" | "expired";

/** Says whether the reset link with `token` can still be used (read only), and for whom. */
export async function checkResetLink(token: string, nowMs = Date.now()): Promise<{ email: string } | { error: ResetLinkProblem }> {
  if (!token || token.length > MAX_TOKEN_LENGTH) return { error: "unknown" };
  const row = await db
    .select({ expiresAt: passwordResets.expiresAt, usedAt: passwordResets.usedAt, email: users.email, disabledAt: users.disabledAt })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.tokenHash, hashResetToken(token)))
    .limit(1)
    .then(firstRow);
  if (!row || row.disabledAt) return { error: "unknown" };
  if (row.usedAt) return { error: "used" };
  if (row.expiresAt.getTime() <= nowMs) return { error: "expired" };
  return { email: row.email };
}

/**
 * Sets a new password with the reset link `token`: the link is consumed (a conditional update, so two concurrent
 * uses cannot both succeed), the password hashed with argon2id, every session of the user ended and every other
 * open link of theirs voided, all in one transaction, audited as `password_reset_completed`.
 */
export async function resetPassword(token: string, newPassword: string, nowMs = Date.now()): Promise<{ ok: true } | { error: string }> {
  const problem = passwordProblem(newPassword);
  if (problem) return { error: problem };
  if (!token || token.length > MAX_TOKEN_LENGTH) return { error: "This reset link is not valid. Ask for a new one." };
  const passwordHash = await hashPassword(newPassword);
  const now = new Date(nowMs);
  return db.transaction(async (tx) => {
    const [link] = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.tokenHash, hashResetToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
      .returning({ userId: passwordResets.userId });
    if (!link) return { error: "This reset link has expired or was already used. Ask for a new one." };
    const [user] = await tx
      .update(users)
      // Whole seconds, as sessions carry their sign-in time in seconds: a sign-in with the new password in the
      // same second as the reset must not be born revoked.
      .set({ passwordHash, sessionsRevokedAt: new Date(Math.floor(nowMs / 1000) * 1000) })
      .where(and(eq(users.id, link.userId), isNull(users.disabledAt)))
      .returning({ id: users.id });
    if (!user) return { error: "This reset link is not valid. Ask for a new one." };
    await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.userId, link.userId), isNull(passwordResets.usedAt)));
    await recordAdminAction({ actorId: link.userId, targetUserId: link.userId, kind: "password_reset_completed" }, tx);
    return { ok: true as const };
  });
}

/**
 * "Change password" for the signed-in `user`: checks `currentPassword` (argon2id), stores the new one, voids
 * open reset links and ends every session issued before now (users.sessions_revoked_at; whole seconds, as
 * sessions carry their sign-in time in seconds). Resolves to `revokedAtSeconds`: the caller re-issues the
 * current session with that sign-in time so it alone survives. Audited as `password_changed`.
 */
export async function changePassword(
  user: SessionUser,
  currentPassword: string,
  newPassword: string,
  nowMs = Date.now(),
): Promise<{ ok: true; revokedAtSeconds: number } | { error: string; field: "current" | "new" }> {
  const row = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)).limit(1).then(firstRow);
  if (!(await verifyPassword(row?.passwordHash, currentPassword))) return { error: "Your current password is not correct.", field: "current" };
  const problem = passwordProblem(newPassword);
  if (problem) return { error: problem, field: "new" };
  if (newPassword === currentPassword) return { error: "Choose a password different from the current one.", field: "new" };
  const passwordHash = await hashPassword(newPassword);
  const revokedAtSeconds = Math.floor(nowMs / 1000);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, sessionsRevokedAt: new Date(revokedAtSeconds * 1000) })
      .where(eq(users.id, user.id));
    await tx
      .update(passwordResets)
      .set({ usedAt: new Date(nowMs) })
      .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    await recordAdminAction({ actorId: user.id, targetUserId: user.id, kind: "password_changed" }, tx);
  });
  return { ok: true, revokedAtSeconds };
}
