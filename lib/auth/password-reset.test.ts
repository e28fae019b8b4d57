import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { adminActions, mailOutbox, passwordResets, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import {
  changePassword,
  checkResetLink,
  requestPasswordReset,
  resetPassword,
  RESET_LIFETIME_MS,
  RESET_MAX_PER_CLIENT,
  RESET_MAX_PER_EMAIL,
  sendResetLinkAsAdmin,
} from "@/lib/auth/password-reset";
import { authenticate, findActiveUser, type SessionUser } from "@/lib/auth/users";
import { ForbiddenError } from "@/lib/authz";
import { openMigratedDb } from "@/tests/helpers/db";

// Env first (tests/setup.ts gave us a fresh DATABASE_URL), then migrate; app modules read env on first use.
// Mail goes to the outbox only (no worker runs here): the tests read the link from the outbox row.
process.env.NEXTAUTH_URL = "http://localhost:3000";
process.env.SMTP_URL = "smtp://127.0.0.1:1";

const OLD_PASSWORD = "old-password-123";
const NEW_PASSWORD = "a-brand-new-password";
/** The message of a refusal, or "" for a success. */
const errorOf = (result: object) => ("error" in result ? String(result.error) : "");
/** The message of a success, or "" for a refusal. */
const okOf = (result: object) => ("ok" in result ? String(result.ok) : "");
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

async function makeUser(role: "athlete" | "coach" | "admin" = "athlete", password = OLD_PASSWORD): Promise<SessionUser> {
  const user = { id: randomUUID(), email: `${randomUUID()}@test.example`, name: `${role} ${randomUUID().slice(0, 6)}`, role };
  await db.insert(users).values({ ...user, passwordHash: await hashPassword(password) });
  return user;
}

/** The tokens of every reset mail to `email`, oldest first, read from the links in the outbox. */
async function tokensMailedTo(email: string): Promise<string[]> {
  const mails = await db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email));
  return mails
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map((m) => m.textBody.match(/\/reset-password\/([A-Za-z0-9_-]{43})/)?.[1])
    .filter((t): t is string => !!t);
}
const auditKinds = async (userId: string) =>
  (await db.select({ kind: adminActions.kind }).from(adminActions).where(eq(adminActions.targetUserId, userId))).map((r) => r.kind).sort();

let admin: SessionUser;
before(async () => {
  await openMigratedDb();
  admin = await makeUser("admin");
});

describe("password reset", () => {
  it("mails a single-use link valid for 30 minutes; only its SHA-256 is stored", async () => {
    const user = await makeUser();
    const before = Date.now();
    await requestPasswordReset(user.email.toUpperCase(), null);
    const [token] = await tokensMailedTo(user.email);
    assert.ok(token, "a reset link is in the mail");
    const rows = await db.select().from(passwordResets).where(eq(passwordResets.userId, user.id));
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.tokenHash, sha256(token));
    assert.ok(!JSON.stringify(rows).includes(token), "the token itself is not stored");
    const lifetime = rows[0]!.expiresAt.getTime() - rows[0]!.createdAt.getTime();
    assert.equal(lifetime, RESET_LIFETIME_MS);
    assert.ok(rows[0]!.createdAt.getTime() >= before);
    assert.deepEqual(await checkResetLink(token), { email: user.email });

    assert.deepEqual(await resetPassword(token, NEW_PASSWORD), { ok: true });
    assert.equal(await authenticate(user.email, OLD_PASSWORD), null);
    assert.equal((await authenticate(user.email, NEW_PASSWORD))?.id, user.id);
    assert.deepEqual(await checkResetLink(token), { error: "used" });
    assert.match(errorOf(await resetPassword(token, "yet-another-password")), /expired or was already used/);
    assert.equal((await authenticate(user.email, NEW_PASSWORD))?.id, user.id, "a replay changes nothing");
    assert.deepEqual(await auditKinds(user.id), ["password_reset_completed", "password_reset_requested"]);
  });

  it("ends every session issued before the reset", async () => {
    const user = await makeUser();
    const issuedAt = Math.floor(Date.now() / 1000) - 60;
    assert.ok(await findActiveUser(user.id, issuedAt, randomUUID()));
    await requestPasswordReset(user.email, null);
    const [token] = await tokensMailedTo(user.email);
    assert.deepEqual(await resetPassword(token!, NEW_PASSWORD), { ok: true });
    assert.equal(await findActiveUser(user.id, issuedAt, randomUUID()), null);
    assert.ok(await findActiveUser(user.id, Math.floor(Date.now() / 1000) + 1, randomUUID()), "a new sign-in works");
  });

  it("keeps a sign-in made in the same second as the reset (sessions carry whole seconds)", async () => {
    const user = await makeUser();
    await requestPasswordReset(user.email, null);
    const [token] = await tokensMailedTo(user.email);
    const resetAtMs = Math.floor(Date.now() / 1000) * 1000 + 999;
    assert.deepEqual(await resetPassword(token!, NEW_PASSWORD, resetAtMs), { ok: true });
    assert.ok(await findActiveUser(user.id, Math.floor(resetAtMs / 1000), randomUUID()), "signed in right after the reset");
    assert.equal(await findActiveUser(user.id, Math.floor(resetAtMs / 1000) - 1, randomUUID()), null, "a second earlier is revoked");
  });

  it("refuses an expired link, an unknown token and a too-short password (the link stays usable)", async () => {
    const user = await makeUser();
    const past = Date.now() - RESET_LIFETIME_MS - 1_000;
    await requestPasswordReset(user.email, null, past);
    const [token] = await tokensMailedTo(user.email);
    assert.deepEqual(await checkResetLink(token!), { error: "expired" });
    assert.match(errorOf(await resetPassword(token!, NEW_PASSWORD)), /expired/);
    assert.deepEqual(await checkResetLink("nope"), { error: "unknown" });
    assert.deepEqual(await checkResetLink("x".repeat(500)), { error: "unknown" });

    await requestPasswordReset(user.email, null);
    const fresh = (await tokensMailedTo(user.email)).at(-1)!;
    assert.match(errorOf(await resetPassword(fresh, "short")), /at least 8/);
    assert.deepEqual(await checkResetLink(fresh), { email: user.email });
  });

  it("answers the same for unknown and disabled emails and mails nothing", async () => {
    const disabled = await makeUser();
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.id));
    const outboxBefore = (await db.select().from(mailOutbox)).length;
    assert.equal(await requestPasswordReset("nobody@test.example", null), undefined);
    assert.equal(await requestPasswordReset(disabled.email, null), undefined);
    assert.equal((await db.select().from(mailOutbox)).length, outboxBefore);
  });

  it("mails at most RESET_MAX_PER_EMAIL links per hour to one account", async () => {
    const user = await makeUser();
    for (let i = 0; i < RESET_MAX_PER_EMAIL + 2; i++) await requestPasswordReset(user.email, null);
    assert.equal((await tokensMailedTo(user.email)).length, RESET_MAX_PER_EMAIL);
    assert.match(errorOf(await sendResetLinkAsAdmin(admin, user.id)), /already sent/);
    await requestPasswordReset(user.email, null, Date.now() + 61 * 60_000);
    assert.equal((await tokensMailedTo(user.email)).length, RESET_MAX_PER_EMAIL + 1, "the limit is per hour");
  });

  it("accepts at most RESET_MAX_PER_CLIENT requests per hour from one client address", async () => {
    const client = `203.0.113.${Math.floor(Math.random() * 200)}`;
    for (let i = 0; i < RESET_MAX_PER_CLIENT; i++) await requestPasswordReset(`unknown-${i}@test.example`, client);
    const user = await makeUser();
    await requestPasswordReset(user.email, client);
    assert.equal((await tokensMailedTo(user.email)).length, 0, "the client's allowance is spent");
    await requestPasswordReset(user.email, `198.51.100.${Math.floor(Math.random() * 200)}`);
    assert.equal((await tokensMailedTo(user.email)).length, 1, "another client is not affected");
  });

  it("a new link does not void the older ones, but using one voids them all", async () => {
    const user = await makeUser();
    await requestPasswordReset(user.email, null);
    await requestPasswordReset(user.email, null);
    const [first, second] = await tokensMailedTo(user.email);
    assert.deepEqual(await resetPassword(second!, NEW_PASSWORD), { ok: true });
    assert.deepEqual(await checkResetLink(first!), { error: "used" });
  });

  it("admin Send reset link: admins only, audited with the admin as actor, refused for a disabled user", async () => {
    const user = await makeUser();
    const coach = await makeUser("coach");
    await assert.rejects(sendResetLinkAsAdmin(coach, user.id), ForbiddenError);
    await assert.rejects(sendResetLinkAsAdmin(null, user.id), ForbiddenError);
    assert.match(okOf(await sendResetLinkAsAdmin(admin, user.id)), /on its way/);
    const [token] = await tokensMailedTo(user.email);
    assert.ok(token);
    const row = await db.select().from(passwordResets).where(eq(passwordResets.userId, user.id)).limit(1).then(firstRow);
    assert.equal(row?.requestedBy, admin.id);
    const audit = await db
      .select()
      .from(adminActions)
      .where(and(eq(adminActions.targetUserId, user.id), eq(adminActions.kind, "password_reset_sent")));
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actorId, admin.id);
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    assert.match(errorOf(await sendResetLinkAsAdmin(admin, user.id)), /disabled/);
    assert.deepEqual(await checkResetLink(token!), { error: "unknown" }, "a disabled user's link does not work");
    assert.match(errorOf(await resetPassword(token!, NEW_PASSWORD)), /not valid/);
    assert.equal((await db.select().from(users).where(eq(users.id, user.id)).then(firstRow))?.passwordHash?.startsWith("$argon2id$"), true);
    assert.equal(await authenticate(user.email, NEW_PASSWORD), null);
  });
});

describe("change password", () => {
  it("requires the current password, keeps input rules, revokes sessions issued before, audits", async () => {
    const user = await makeUser();
    assert.deepEqual(await changePassword(user, "wrong-password-1", NEW_PASSWORD), {
      error: "Your current password is not correct.",
      field: "current",
    });
    assert.equal(errorOf(await changePassword(user, OLD_PASSWORD, "short")), "Use at least 8 characters.");
    assert.equal(errorOf(await changePassword(user, OLD_PASSWORD, OLD_PASSWORD)), "Choose a password different from the current one.");
    assert.equal((await authenticate(user.email, OLD_PASSWORD))?.id, user.id, "refusals change nothing");

    await requestPasswordReset(user.email, null);
    const [token] = await tokensMailedTo(user.email);
    const oldSession = Math.floor(Date.now() / 1000) - 5;
    const result = await changePassword(user, OLD_PASSWORD, NEW_PASSWORD);
    assert.ok("ok" in result);
    assert.equal(await authenticate(user.email, OLD_PASSWORD), null);
    assert.equal((await authenticate(user.email, NEW_PASSWORD))?.id, user.id);
    assert.equal(await findActiveUser(user.id, oldSession, randomUUID()), null, "older sessions end");
    assert.ok(await findActiveUser(user.id, result.revokedAtSeconds, randomUUID()), "a session re-issued at revokedAtSeconds survives");
    assert.deepEqual(await checkResetLink(token!), { error: "used" }, "open reset links are voided");
    assert.ok((await auditKinds(user.id)).includes("password_changed"));
  });
});
