import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { adminActions, coachAthletes, invitations, users } from "@/db/schema";
import { authenticate, type SessionUser } from "@/lib/auth/users";
import { ForbiddenError } from "@/lib/authz";
import {
  acceptInvitation,
  cancelInvitation,
  checkInvitation,
  createInvitation,
  joinRosterByInvitation,
  listInvitations,
  listOpenInvitations,
} from "@/lib/invitations";
import { failed } from "@/lib/result";
import { openMigratedDb } from "@/tests/helpers/db";

// Env first (tests/setup.ts gave us a fresh DATABASE_URL), then migrate; app modules read env on first use.
process.env.NEXTAUTH_URL = "http://localhost:3000";

let coach: SessionUser;

async function makeUser(role: "athlete" | "coach" | "admin", name = `${role} ${randomUUID().slice(0, 6)}`): Promise<SessionUser> {
  const user = { id: randomUUID(), email: `${randomUUID()}@test.example`, name, role };
  await db.insert(users).values(user);
  return user;
}
const tokenOf = (url: string) => url.split("/invite/")[1]!;
const invitationRow = async (token: string) => (await db.select().from(invitations)).find((row) => row.tokenHash === sha256(token));
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const auditOf = async (userId: string) =>
  (await db.select().from(adminActions).where(eq(adminActions.targetUserId, userId))).map((a) => [a.kind, a.actorId]).sort();
const rosterOf = async (athleteId: string) =>
  (await db.select().from(coachAthletes).where(eq(coachAthletes.athleteId, athleteId))).map((l) => l.coachId).sort();
const userCount = async () => (await db.select().from(users)).length;
const findUser = (email: string) => db.select().from(users).where(eq(users.email, email)).limit(1).then(firstRow);

before(async () => {
  await openMigratedDb();
  coach = await makeUser("coach", "Coach Carter");
});

describe("invitations", () => {
  it("create → check → accept → replay refused", async () => {
    const before = Date.now();
    const { url, expiresAt } = await createInvitation(coach);
    assert.match(url, /^http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(url);
    const week = 7 * 24 * 3600 * 1000;
    assert.ok(Math.abs(expiresAt.getTime() - (before + week)) < 5000, "expires in 7 days");

    const row = await invitationRow(token);
    assert.ok(row, "stored by SHA-256 of the token");
    assert.equal(
      (await db.select().from(invitations)).some((r) => r.tokenHash === token || r.id === token),
      false,
      "the token itself is not stored",
    );
    assert.deepEqual(
      (await listOpenInvitations(coach)).map((i) => i.id),
      [row.id],
    );

    const check = await checkInvitation(token);
    assert.deepEqual(check, { coachName: "Coach Carter", expiresAt: row.expiresAt });

    const result = await acceptInvitation(token, { name: "  Ada Athlete ", email: "Ada@Example.COM", password: "correct horse" });
    assert.ok(!failed(result), JSON.stringify(result));
    const ada = await findUser("ada@example.com");
    assert.ok(ada, "email stored lower-case");
    assert.equal(ada.id, result.userId);
    assert.equal(ada.role, "athlete");
    assert.equal(ada.name, "Ada Athlete");
    assert.match(ada.passwordHash ?? "", /^\$argon2id\$/);
    const link = await db.select().from(coachAthletes).where(eq(coachAthletes.athleteId, ada.id));
    assert.deepEqual(
      link.map((l) => l.coachId),
      [coach.id],
      "on the coach's roster",
    );
    const used = (await invitationRow(token))!;
    assert.ok(used.usedAt);
    assert.equal(used.usedBy, ada.id);
    assert.deepEqual(await listOpenInvitations(coach), []);
    assert.equal((await authenticate("ada@example.com", "correct horse"))?.id, ada.id, "can sign in");
    assert.deepEqual(
      await auditOf(ada.id),
      [
        ["coach_assigned", ada.id],
        ["invitation_accepted", ada.id],
        ["user_created", ada.id],
      ],
      "the invite sign-up is audited as user created, invite accepted and coach assigned",
    );

    const recheck = await checkInvitation(token);
    assert.equal(failed(recheck), true);
    assert.equal(failed(recheck) && recheck.error, "used");

    const count = await userCount();
    const again = await acceptInvitation(token, { name: "Bob", email: "bob@example.com", password: "password123" });
    assert.deepEqual(again, { error: "This invite link was already used. Ask your coach for a new one." });
    assert.equal(await userCount(), count, "no second user");
    assert.equal(await findUser("bob@example.com"), undefined);
  });

  it("two concurrent acceptances of one link: exactly one account", async () => {
    const token = tokenOf((await createInvitation(coach)).url);
    const count = await userCount();
    const results = await Promise.all(
      ["c1", "c2", "c3"].map((n) => acceptInvitation(token, { name: n, email: `${n}@example.com`, password: "password123" })),
    );
    assert.equal(results.filter((r) => !failed(r)).length, 1);
    for (const r of results.filter((r) => failed(r)))
      assert.deepEqual(r, { error: "This invite link was already used. Ask your coach for a new one." });
    assert.equal(await userCount(), count + 1);
  });

  // The transaction re-checks what the read-only pre-check saw: change the database while the password hashes.
  const duringHashing = () => new Promise((resolve) => setImmediate(resolve));

  it("expiry that happens while the password hashes is still refused inside the transaction, nothing written", async () => {
    const token = tokenOf((await createInvitation(coach)).url);
    const count = await userCount();
    const pending = acceptInvitation(token, { name: "Racer", email: "racer@example.com", password: "password123" });
    await duringHashing();
    const expiredAt = new Date(Date.now() - 1000);
    await db
      .update(invitations)
      .set({ expiresAt: expiredAt })
      .where(eq(invitations.tokenHash, sha256(token)));
    const result = await pending;
    assert.equal(failed(result), true);
    assert.match(failed(result) ? result.error : "", /^This invite link expired on .+ UTC\. Ask your coach for a new one\.$/);
    assert.equal(await userCount(), count);
    assert.equal((await invitationRow(token))!.usedAt, null);
  });

  it("an email registered while the password hashes is refused inside the transaction and the claim is rolled back", async () => {
    const token = tokenOf((await createInvitation(coach)).url);
    const pending = acceptInvitation(token, { name: "Racer", email: "late-dup@example.com", password: "password123" });
    await duringHashing();
    await db.insert(users).values({ id: randomUUID(), email: "late-dup@example.com", name: "First", role: "athlete" });
    const count = await userCount();
    assert.deepEqual(await pending, { error: "An account with this email already exists. Sign in instead." });
    assert.equal(await userCount(), count);
    const row = (await invitationRow(token))!;
    assert.equal(row.usedAt, null, "the conditional UPDATE was rolled back");
    assert.equal(row.usedBy, null);
  });

  it("an expired invitation is refused and writes nothing", async () => {
    const token = tokenOf((await createInvitation(coach)).url);
    const expiredAt = new Date(Date.UTC(2025, 0, 2, 3, 4));
    await db
      .update(invitations)
      .set({ expiresAt: expiredAt })
      .where(eq(invitations.tokenHash, sha256(token)));
    const check = await checkInvitation(token);
    assert.deepEqual(check, { error: "expired", expiredAt });
    const count = await userCount();
    const links = (await db.select().from(coachAthletes)).length;
    const result = await acceptInvitation(token, { name: "Late", email: "late@example.com", password: "password123" });
    assert.deepEqual(result, { error: "This invite link expired on 2 Jan 2025, 03:04 UTC. Ask your coach for a new one." });
    assert.equal(await userCount(), count);
    assert.equal((await db.select().from(coachAthletes)).length, links);
    const row = (await invitationRow(token))!;
    assert.equal(row.usedAt, null);
    assert.equal(row.usedBy, null);
  });

  it("an existing email is refused (any case) and the invitation stays unused", async () => {
    const existing = await makeUser("athlete");
    const token = tokenOf((await createInvitation(coach)).url);
    const count = await userCount();
    const result = await acceptInvitation(token, { name: "Dup", email: existing.email.toUpperCase(), password: "password123" });
    assert.deepEqual(result, { error: "An account with this email already exists. Sign in instead." });
    assert.equal(await userCount(), count);
    const row = (await invitationRow(token))!;
    assert.equal(row.usedAt, null);
    assert.equal(row.usedBy, null);
    assert.equal(failed(await checkInvitation(token)), false, "still usable");
    assert.equal((await db.select().from(coachAthletes).where(eq(coachAthletes.athleteId, existing.id))).length, 0);
  });

  it("only coaches may create or list invitations", async () => {
    for (const role of ["athlete", "admin"] as const) {
      const user = await makeUser(role);
      await assert.rejects(createInvitation(user), ForbiddenError);
      await assert.rejects(listOpenInvitations(user), ForbiddenError);
    }
  });

  it("an unknown token is reported as unknown and accepting it writes nothing", async () => {
    assert.deepEqual(await checkInvitation("not-a-real-token"), { error: "unknown" });
    assert.deepEqual(await checkInvitation(""), { error: "unknown" });
    assert.deepEqual(await checkInvitation("x".repeat(500)), { error: "unknown" });
    const count = await userCount();
    const result = await acceptInvitation("not-a-real-token", { name: "N", email: "n@example.com", password: "password123" });
    assert.equal(failed(result), true);
    assert.equal(await userCount(), count);
  });

  it("a link from a coach who was disabled is no longer valid", async () => {
    const other = await makeUser("coach");
    const token = tokenOf((await createInvitation(other)).url);
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, other.id));
    assert.deepEqual(await checkInvitation(token), { error: "unknown" });
    const result = await acceptInvitation(token, { name: "N", email: "n2@example.com", password: "password123" });
    assert.equal(failed(result), true);
    assert.equal((await invitationRow(token))!.usedAt, null);
  });

  describe("existing athletes", () => {
    it("a signed-in athlete joins the roster: link consumed by them, audited, link cannot be reused", async () => {
      const athlete = await makeUser("athlete", "Existing Eve");
      const otherCoach = await makeUser("coach", "Coach Other");
      await db.insert(coachAthletes).values({ coachId: otherCoach.id, athleteId: athlete.id, createdAt: new Date() });
      const token = tokenOf((await createInvitation(coach)).url);
      const result = await joinRosterByInvitation(token, athlete);
      assert.deepEqual(result, { coachName: "Coach Carter" });
      assert.deepEqual(await rosterOf(athlete.id), [coach.id, otherCoach.id].sort(), "joins, keeps the other coach");
      const row = (await invitationRow(token))!;
      assert.ok(row.usedAt);
      assert.equal(row.usedBy, athlete.id);
      assert.deepEqual(await auditOf(athlete.id), [
        ["coach_assigned", athlete.id],
        ["invitation_accepted", athlete.id],
      ]);
      const listed = (await listInvitations(coach)).find((i) => i.id === row.id);
      assert.deepEqual(listed?.usedBy, { id: athlete.id, name: "Existing Eve", email: athlete.email }, "the coach sees who used it");

      const second = await makeUser("athlete");
      assert.deepEqual(await joinRosterByInvitation(token, second), { error: "This invite link was already used. Ask your coach for a new one." });
      assert.deepEqual(await rosterOf(second.id), []);
    });

    it("an athlete already on the roster is refused and the link stays unused", async () => {
      const athlete = await makeUser("athlete");
      await db.insert(coachAthletes).values({ coachId: coach.id, athleteId: athlete.id, createdAt: new Date() });
      const token = tokenOf((await createInvitation(coach)).url);
      const result = await joinRosterByInvitation(token, athlete);
      assert.equal(failed(result), true);
      assert.match(failed(result) ? result.error : "", /already on Coach Carter's roster/);
      assert.equal((await invitationRow(token))!.usedAt, null);
      assert.deepEqual(await auditOf(athlete.id), []);
    });

    it("two athletes joining with one link concurrently: exactly one joins", async () => {
      const token = tokenOf((await createInvitation(coach)).url);
      const athletes = await Promise.all([1, 2, 3].map(() => makeUser("athlete")));
      const results = await Promise.all(athletes.map((a) => joinRosterByInvitation(token, a)));
      assert.equal(results.filter((r) => !failed(r)).length, 1);
      const joined = (await Promise.all(athletes.map((a) => rosterOf(a.id)))).filter((r) => r.length > 0);
      assert.equal(joined.length, 1);
    });

    it("expired and unknown links are refused; coaches and admins may not join", async () => {
      const athlete = await makeUser("athlete");
      const token = tokenOf((await createInvitation(coach)).url);
      await db
        .update(invitations)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(invitations.tokenHash, sha256(token)));
      const expired = await joinRosterByInvitation(token, athlete);
      assert.match(failed(expired) ? expired.error : "", /expired/);
      assert.equal(failed(await joinRosterByInvitation("nope", athlete)), true);
      assert.deepEqual(await rosterOf(athlete.id), []);
      const fresh = tokenOf((await createInvitation(coach)).url);
      for (const role of ["coach", "admin"] as const) await assert.rejects(joinRosterByInvitation(fresh, await makeUser(role)), ForbiddenError);
      assert.equal((await invitationRow(fresh))!.usedAt, null);
    });
  });

  describe("the coach's list and cancel", () => {
    it("lists open and recently used links, not expired ones; cancel deletes an open one (audited) and only the coach's own", async () => {
      const own = await makeUser("coach", "Coach Listing");
      const open = tokenOf((await createInvitation(own)).url);
      const expired = tokenOf((await createInvitation(own)).url);
      await db
        .update(invitations)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(invitations.tokenHash, sha256(expired)));
      const used = tokenOf((await createInvitation(own)).url);
      assert.ok(!failed(await acceptInvitation(used, { name: "Used By", email: `${randomUUID()}@example.com`, password: "password123" })));
      const list = await listInvitations(own);
      const openRow = (await invitationRow(open))!;
      const usedRow = (await invitationRow(used))!;
      assert.deepEqual(list.map((i) => i.id).sort(), [openRow.id, usedRow.id].sort());
      assert.equal(list.find((i) => i.id === openRow.id)?.usedBy, null);
      assert.equal(list.find((i) => i.id === usedRow.id)?.usedBy?.name, "Used By");
      assert.deepEqual(await listInvitations(own, Date.now() + 31 * 86_400_000), [], "used links drop out after 30 days");

      const stranger = await makeUser("coach");
      assert.equal(failed(await cancelInvitation(stranger, openRow.id)), true, "another coach cannot cancel it");
      assert.equal(failed(await cancelInvitation(own, usedRow.id)), true, "a used link cannot be cancelled");
      assert.ok(await invitationRow(used));
      assert.deepEqual(await cancelInvitation(own, openRow.id), { ok: true });
      assert.equal(await invitationRow(open), undefined);
      assert.deepEqual(await checkInvitation(open), { error: "unknown" }, "the cancelled link reads not valid");
      const audit = await db.select().from(adminActions).where(eq(adminActions.actorId, own.id));
      assert.deepEqual(
        audit.map((a) => a.kind),
        ["invitation_cancelled"],
      );
      assert.equal(failed(await cancelInvitation(own, openRow.id)), true, "cancelling twice is refused");
      await assert.rejects(cancelInvitation(await makeUser("athlete"), usedRow.id), ForbiddenError);
      await assert.rejects(listInvitations(await makeUser("athlete")), ForbiddenError);
    });
  });
});
