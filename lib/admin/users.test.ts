import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { and, asc, eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, adminActions, coachAthletes, users } from "@/db/schema";
import {
  changeRole,
  createUser,
  findActiveAthleteByEmail,
  getUserForAdmin,
  listUsersPage,
  setCoaches,
  setUserDisabled,
  USERS_PAGE_SIZE,
} from "@/lib/admin/users";
import type { SessionUser } from "@/lib/auth/users";
import { ForbiddenError } from "@/lib/authz";
import { failed } from "@/lib/result";
import { openMigratedDb } from "@/tests/helpers/db";

// The admin's user management: search (portable LIKE), and the transactions that read then write, which must
// hold under concurrency on both engines (PostgreSQL: row locks and atomic statements; SQLite: serialized).

process.env.NEXTAUTH_URL = "http://localhost:3000";

let admin: SessionUser;

async function makeUser(role: "athlete" | "coach" | "admin", name = `${role} ${randomUUID().slice(0, 6)}`, email = `${randomUUID()}@test.example`) {
  const user: SessionUser = { id: randomUUID(), email, name, role };
  await db.insert(users).values(user);
  return user;
}

const actionsOn = (userId: string) => db.select().from(adminActions).where(eq(adminActions.targetUserId, userId)).orderBy(adminActions.id);
const coachesOf = async (athleteId: string) =>
  (await db.select({ coachId: coachAthletes.coachId }).from(coachAthletes).where(eq(coachAthletes.athleteId, athleteId)))
    .map((r) => r.coachId)
    .sort();

before(async () => {
  await openMigratedDb();
  admin = await makeUser("admin", "Zz Admin");
});

describe("the users list", () => {
  it("searches name or email case-insensitively, LIKE wildcards taken literally, with connections and coaches", async () => {
    const coach = await makeUser("coach", "Search Coach");
    const ada = await makeUser("athlete", "Ada Searchable", "ada.search@example.com");
    await makeUser("athlete", "Percent 50% Searchable", "percent@example.com");
    await makeUser("athlete", "Percent 5000 Searchable", "percent5000@example.com");
    await db.insert(coachAthletes).values({ coachId: coach.id, athleteId: ada.id });
    await db.insert(accounts).values({ id: randomUUID(), userId: ada.id, provider: "trainerday", state: "connected", updatedAt: new Date() });
    await db.insert(accounts).values({ id: randomUUID(), userId: ada.id, provider: "enduco", state: "disconnected", updatedAt: new Date() });

    const page = await listUsersPage(admin, { q: "  aDA SEARCH " });
    assert.deepEqual(
      page.rows.map((r) => [r.name, r.connected, r.coaches]),
      [["Ada Searchable", 1, ["Search Coach"]]],
    );
    assert.deepEqual(
      (await listUsersPage(admin, { q: "ADA.SEARCH@EXAMPLE" })).rows.map((r) => r.id),
      [ada.id],
      "email, any case",
    );
    assert.deepEqual(
      (await listUsersPage(admin, { q: "50%" })).rows.map((r) => r.name),
      ["Percent 50% Searchable"],
      "% is a character, not a wildcard",
    );
    assert.equal((await listUsersPage(admin, { q: "Percent_5" })).total.count, 0, "_ is a character, not a wildcard");
    assert.deepEqual((await listUsersPage(admin, { q: "searchable" })).total, { count: 3, more: false });
  });

  it("pages of 50 by keyset: Next covers every user once in (name, id) order, Previous and Last walk back the same pages", async () => {
    // Equal names across a page boundary: the id breaks the tie, so none is skipped or shown twice.
    for (let i = 0; i < 120; i++) await makeUser("athlete", `Keyset ${String(i % 7)}`);
    const expected = (await db.select({ id: users.id }).from(users).orderBy(asc(users.name), asc(users.id))).map((r) => r.id);
    const forward: string[][] = [];
    let result = await listUsersPage(admin, {});
    assert.equal(result.previous, null);
    for (;;) {
      assert.deepEqual(result.total, { count: expected.length, more: false });
      forward.push(result.rows.map((r) => r.id));
      if (!result.next) break;
      result = await listUsersPage(admin, { after: result.next });
      assert.ok(result.previous, "a page reached with Next has a previous page");
    }
    assert.ok(forward.length >= 3);
    assert.ok(forward.slice(0, -1).every((p) => p.length === USERS_PAGE_SIZE));
    assert.deepEqual(forward.flat(), expected);

    const back: string[][] = [];
    result = await listUsersPage(admin, { last: true });
    assert.equal(result.next, null);
    back.unshift(result.rows.map((r) => r.id));
    while (result.previous) {
      result = await listUsersPage(admin, { before: result.previous });
      assert.ok(result.next, "a page reached with Previous has a next page");
      back.unshift(result.rows.map((r) => r.id));
    }
    assert.deepEqual(back.flat(), expected);
    assert.deepEqual(back.at(-1), expected.slice(-USERS_PAGE_SIZE), "the last page holds the last 50 users");

    assert.deepEqual(
      (await listUsersPage(admin, { after: "bm90LW91cnM" })).rows.map((r) => r.id),
      expected.slice(0, USERS_PAGE_SIZE),
      "a cursor that is not ours starts at the top",
    );
    const searched = await listUsersPage(admin, { q: "keyset 3", last: true });
    assert.ok(searched.rows.length > 0 && searched.rows.every((r) => r.name === "Keyset 3"), "the search holds on the last page");
  });

  it("refuses anyone but an admin", async () => {
    const coach = await makeUser("coach");
    await assert.rejects(listUsersPage(coach), ForbiddenError);
    await assert.rejects(createUser(coach, { name: "X", email: "x@example.com", role: "athlete", password: "password123" }), ForbiddenError);
    await assert.rejects(changeRole(coach, admin.id, "athlete"), ForbiddenError);
    await assert.rejects(setCoaches(null, admin.id, []), ForbiddenError);
  });
});

describe("user changes", () => {
  it("createUser: creates once; the same email (any case) is refused, also when two creations race", async () => {
    const created = await createUser(admin, { name: "New Coach", email: "New.Coach@Example.com", role: "coach", password: "password123" });
    assert.equal(failed(created), false, JSON.stringify(created));
    const row = await db.select().from(users).where(eq(users.email, "new.coach@example.com")).limit(1).then(firstRow);
    assert.equal(row?.role, "coach");
    assert.match(row?.passwordHash ?? "", /^\$argon2id\$/);
    assert.deepEqual(
      (await actionsOn(row!.id)).map((a) => [a.kind, a.actorId]),
      [["user_created", admin.id]],
    );
    assert.deepEqual(await createUser(admin, { name: "Again", email: "NEW.COACH@example.com", role: "athlete", password: "password123" }), {
      error: "A user with the email new.coach@example.com already exists.",
    });

    const racing = await Promise.all(
      ["A", "B", "C"].map((n) => createUser(admin, { name: `Racer ${n}`, email: "racer@example.com", role: "athlete", password: "password123" })),
    );
    assert.equal(racing.filter((r) => !failed(r)).length, 1);
    assert.equal((await db.select().from(users).where(eq(users.email, "racer@example.com"))).length, 1);
    const winner = await db.select().from(users).where(eq(users.email, "racer@example.com")).limit(1).then(firstRow);
    assert.equal((await actionsOn(winner!.id)).length, 1, "one user_created for the one user");
  });

  it("changeRole: not one's own; records the role it replaced; no change when it already holds it", async () => {
    const user = await makeUser("athlete", "Role Changer");
    assert.deepEqual(await changeRole(admin, admin.id, "athlete"), { error: "You cannot change your own role. Ask another administrator." });
    assert.deepEqual(await changeRole(admin, user.id, "coach"), { ok: "Role Changer is now coach. The change applies at their next request." });
    assert.deepEqual(await changeRole(admin, user.id, "coach"), { ok: "Role Changer already is coach." });
    assert.deepEqual(await changeRole(admin, randomUUID(), "coach"), { error: "That user no longer exists." });
    const [a, b] = await Promise.all([changeRole(admin, user.id, "admin"), changeRole(admin, user.id, "athlete")]);
    assert.ok(!failed(a) && !failed(b));
    const details = (await actionsOn(user.id)).filter((x) => x.kind === "role_changed").map((x) => x.detail);
    assert.equal(details.length, 3);
    assert.equal(details[0], "athlete → coach");
    // Whatever order the two concurrent changes ran in, each recorded the role it really replaced.
    const final = (await db.select({ role: users.role }).from(users).where(eq(users.id, user.id)).limit(1).then(firstRow))!.role;
    const chain = details.map((d) => d!.split(" → "));
    assert.equal(chain[1]![0], "coach");
    assert.equal(chain[2]![0], chain[1]![1]);
    assert.equal(chain[2]![1], final);
  });

  it("setUserDisabled: revokes sessions, re-enables, records both; not oneself; unknown users refused", async () => {
    const user = await makeUser("athlete", "Dis Abled");
    assert.deepEqual(await setUserDisabled(admin, admin.id, true), { error: "You cannot disable your own account." });
    assert.deepEqual(await setUserDisabled(admin, randomUUID(), true), { error: "That user no longer exists." });
    assert.equal(failed(await setUserDisabled(admin, user.id, true)), false);
    const disabled = await db.select().from(users).where(eq(users.id, user.id)).limit(1).then(firstRow);
    assert.ok(disabled?.disabledAt && disabled.sessionsRevokedAt);
    assert.deepEqual(await setUserDisabled(admin, user.id, false), { ok: "Dis Abled can sign in again." });
    const enabled = await db.select().from(users).where(eq(users.id, user.id)).limit(1).then(firstRow);
    assert.equal(enabled?.disabledAt, null);
    assert.ok(enabled?.sessionsRevokedAt, "sessions issued before the disabling stay refused");
    assert.deepEqual(
      (await actionsOn(user.id)).map((a) => a.kind),
      ["user_disabled", "user_enabled"],
    );
  });

  it("setCoaches: sets exactly the wanted coaches, records each change, refuses non-coaches and non-athletes", async () => {
    const athlete = await makeUser("athlete", "Coached Athlete");
    const [c1, c2, c3] = [await makeUser("coach", "Coach One"), await makeUser("coach", "Coach Two"), await makeUser("coach", "Coach Three")];
    assert.deepEqual(await setCoaches(admin, athlete.id, [c1.id, c2.id, c1.id]), { ok: "Coached Athlete now has 2 coaches." });
    assert.deepEqual(await coachesOf(athlete.id), [c1.id, c2.id].sort());
    assert.deepEqual(await setCoaches(admin, athlete.id, [c2.id, c3.id]), { ok: "Coached Athlete now has 2 coaches." });
    assert.deepEqual(await coachesOf(athlete.id), [c2.id, c3.id].sort());
    assert.deepEqual(await setCoaches(admin, athlete.id, [c2.id, c3.id]), { ok: "No change." });
    assert.deepEqual(
      (await actionsOn(athlete.id)).map((a) => a.kind),
      ["coach_assigned", "coach_assigned", "coach_assigned", "coach_unassigned"],
    );
    assert.deepEqual(await setCoaches(admin, athlete.id, [athlete.id]), {
      error: "One of the chosen people is not a coach any more. Reload and try again.",
    });
    assert.deepEqual(await setCoaches(admin, c1.id, [c2.id]), { error: "Coaches can only be assigned to athletes." });
    assert.deepEqual(await coachesOf(athlete.id), [c2.id, c3.id].sort(), "refusals change nothing");
  });

  it("setCoaches: concurrent assignments for one athlete both succeed, one row per coach, one record per change", async () => {
    const athlete = await makeUser("athlete", "Raced Athlete");
    const coach = await makeUser("coach", "Raced Coach");
    const results = await Promise.all([setCoaches(admin, athlete.id, [coach.id]), setCoaches(admin, athlete.id, [coach.id])]);
    assert.deepEqual(results.map((r) => ("ok" in r ? r.ok : r.error)).sort(), ["No change.", "Raced Athlete now has 1 coach."]);
    assert.equal(
      (
        await db
          .select()
          .from(coachAthletes)
          .where(and(eq(coachAthletes.athleteId, athlete.id), eq(coachAthletes.coachId, coach.id)))
      ).length,
      1,
    );
    assert.equal((await actionsOn(athlete.id)).length, 1);
  });

  it("findActiveAthleteByEmail and getUserForAdmin", async () => {
    const athlete = await makeUser("athlete", "Findable", "findable@example.com");
    const coach = await makeUser("coach", "Finder Coach");
    await db.insert(coachAthletes).values({ coachId: coach.id, athleteId: athlete.id });
    assert.deepEqual(await findActiveAthleteByEmail(admin, "  FINDABLE@example.com "), { id: athlete.id, name: "Findable" });
    assert.equal(await findActiveAthleteByEmail(admin, coach.email), null, "coaches are not athletes");
    assert.deepEqual((await getUserForAdmin(admin, athlete.id))?.coachIds, [coach.id]);
    assert.equal(await getUserForAdmin(admin, randomUUID()), null);
    await setUserDisabled(admin, athlete.id, true);
    assert.equal(await findActiveAthleteByEmail(admin, "findable@example.com"), null, "disabled athletes are not found");
  });
});
