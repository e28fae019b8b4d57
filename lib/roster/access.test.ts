import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { assign, athleteOf, connect, makeUser, NOW, openRosterDb } from "@/tests/helpers/roster";

// Env first (openRosterDb: three services configured, ExorLive not), then migrate, then import app modules.
type SessionUser = import("@/lib/auth/users").SessionUser;
let roster: typeof import("./list") & typeof import("./csv") & typeof import("./athlete");
let ForbiddenError: typeof import("@/lib/authz").ForbiddenError;

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

before(async () => {
  await openRosterDb();
  ({ ForbiddenError } = await import("@/lib/authz"));
  roster = { ...(await import("./list")), ...(await import("./csv")), ...(await import("./athlete")) };
});

describe("roster access", () => {
  let coachA: SessionUser, coachB: SessionUser, alice: SessionUser, bob: SessionUser, carol: SessionUser, dave: SessionUser, erin: SessionUser;
  before(() => {
    coachA = makeUser("coach", "Coach A");
    coachB = makeUser("coach", "Coach B");
    alice = athleteOf(coachA, "Alice Access");
    bob = athleteOf(coachA, "Bob Access");
    carol = athleteOf(coachB, "Carol Secret", "carol.secret@b.example");
    dave = athleteOf(coachA, "Dave Shared");
    assign(coachB, dave);
    erin = makeUser("athlete", "Erin Disabled", `${randomUUID()}@test.example`, true);
    assign(coachA, erin);
    // Another coach wrongly on a roster is not an athlete: never listed.
    assign(coachA, makeUser("coach", "Coach Intruder"));
    connect(carol, "trainerday");
  });

  it("coach A sees only their own athletes; coach B only theirs; a shared athlete shows for both", async () => {
    const a = await roster.listRoster(coachA, {}, NOW);
    assert.deepEqual(ids(a.rows), ids([alice, bob, dave]));
    assert.equal(a.rosterSize, 3);
    const b = await roster.listRoster(coachB, {}, NOW);
    assert.deepEqual(ids(b.rows), ids([carol, dave]));
  });

  it("search and filters never reach another coach's athletes", async () => {
    for (const q of ["carol", "Secret", "b.example"]) {
      const page = await roster.listRoster(coachA, { q }, NOW);
      assert.equal(page.total, 0, q);
      assert.equal((await roster.listRosterForExport(coachA, { q })).rows.length, 0, q);
    }
  });

  it("the export holds coach A's athletes only", async () => {
    const { rows } = await roster.listRosterForExport(coachA, {}, NOW);
    assert.deepEqual(ids(rows), ids([alice, bob, dave]));
    const csv = await roster.rosterCsv(coachA, {}, NOW);
    assert.doesNotMatch(csv, /Carol|carol\.secret|Erin|Intruder/);
    assert.match(csv, /Alice Access/);
    assert.equal(csv.trimEnd().split("\r\n").length, 4, "header + 3 athletes");
  });

  it("getAthleteForCoach: own and shared athletes yes; another coach's, disabled, unknown → ForbiddenError", async () => {
    assert.equal((await roster.getAthleteForCoach(coachA, dave.id)).email, dave.email);
    assert.equal((await roster.getAthleteForCoach(coachB, dave.id)).name, "Dave Shared");
    await assert.rejects(roster.getAthleteForCoach(coachA, carol.id), ForbiddenError);
    await assert.rejects(roster.getAthleteForCoach(coachA, erin.id), ForbiddenError);
    await assert.rejects(roster.getAthleteForCoach(coachA, randomUUID()), ForbiddenError);
    await assert.rejects(roster.getAthleteForCoach(null, alice.id), ForbiddenError);
  });

  it("disabled athletes are hidden everywhere", async () => {
    const a = await roster.listRoster(coachA, { q: "Erin" }, NOW);
    assert.equal(a.total, 0);
    assert.ok(!(await roster.rosterCsv(coachA)).includes("Erin"));
  });

  it("athletes and admins do not hold roster.read", async () => {
    await assert.rejects(roster.listRoster(alice), ForbiddenError);
    const admin = makeUser("admin");
    await assert.rejects(roster.listRoster(admin), ForbiddenError);
    await assert.rejects(roster.listRosterForExport(admin), ForbiddenError);
    await assert.rejects(roster.getAthleteForCoach(alice, alice.id), ForbiddenError);
  });
});
