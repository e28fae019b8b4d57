import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import type { SessionUser } from "@/lib/auth/users";
import { ForbiddenError } from "@/lib/authz";
import { assign, athleteOf, connect, makeUser, NOW, openRosterDb } from "@/tests/helpers/roster";
import { getAthleteForCoach } from "./athlete";
import { rosterCsv } from "./csv";
import { listRoster, listRosterForExport } from "./list";

// Env first (openRosterDb: three services configured, ExorLive not), then migrate; app modules read env on first use.

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

before(async () => {
  await openRosterDb();
});

describe("roster access", () => {
  let coachA: SessionUser, coachB: SessionUser, alice: SessionUser, bob: SessionUser, carol: SessionUser, dave: SessionUser, erin: SessionUser;
  before(async () => {
    coachA = await makeUser("coach", "Coach A");
    coachB = await makeUser("coach", "Coach B");
    alice = await athleteOf(coachA, "Alice Access");
    bob = await athleteOf(coachA, "Bob Access");
    carol = await athleteOf(coachB, "Carol Secret", "carol.secret@b.example");
    dave = await athleteOf(coachA, "Dave Shared");
    await assign(coachB, dave);
    erin = await makeUser("athlete", "Erin Disabled", `${randomUUID()}@test.example`, true);
    await assign(coachA, erin);
    // Another coach wrongly on a roster is not an athlete: never listed.
    await assign(coachA, await makeUser("coach", "Coach Intruder"));
    await connect(carol, "trainerday");
  });

  it("coach A sees only their own athletes; coach B only theirs; a shared athlete shows for both", async () => {
    const a = await listRoster(coachA, {}, NOW);
    assert.deepEqual(ids(a.rows), ids([alice, bob, dave]));
    assert.equal(a.rosterSize, 3);
    const b = await listRoster(coachB, {}, NOW);
    assert.deepEqual(ids(b.rows), ids([carol, dave]));
  });

  it("search and filters never reach another coach's athletes", async () => {
    for (const q of ["carol", "Secret", "b.example"]) {
      const page = await listRoster(coachA, { q }, NOW);
      assert.equal(page.total, 0, q);
      assert.equal((await listRosterForExport(coachA, { q })).rows.length, 0, q);
    }
  });

  it("the export holds coach A's athletes only", async () => {
    const { rows } = await listRosterForExport(coachA, {}, NOW);
    assert.deepEqual(ids(rows), ids([alice, bob, dave]));
    const csv = await rosterCsv(coachA, {}, NOW);
    assert.doesNotMatch(csv, /Carol|carol\.secret|Erin|Intruder/);
    assert.match(csv, /Alice Access/);
    assert.equal(csv.trimEnd().split("\r\n").length, 4, "header + 3 athletes");
  });

  it("getAthleteForCoach: own and shared athletes yes; another coach's, disabled, unknown → ForbiddenError", async () => {
    assert.equal((await getAthleteForCoach(coachA, dave.id)).email, dave.email);
    assert.equal((await getAthleteForCoach(coachB, dave.id)).name, "Dave Shared");
    await assert.rejects(getAthleteForCoach(coachA, carol.id), ForbiddenError);
    await assert.rejects(getAthleteForCoach(coachA, erin.id), ForbiddenError);
    await assert.rejects(getAthleteForCoach(coachA, randomUUID()), ForbiddenError);
    await assert.rejects(getAthleteForCoach(null, alice.id), ForbiddenError);
  });

  it("disabled athletes are hidden everywhere", async () => {
    const a = await listRoster(coachA, { q: "Erin" }, NOW);
    assert.equal(a.total, 0);
    assert.ok(!(await rosterCsv(coachA)).includes("Erin"));
  });

  it("athletes and admins do not hold roster.read", async () => {
    await assert.rejects(listRoster(alice), ForbiddenError);
    const admin = await makeUser("admin");
    await assert.rejects(listRoster(admin), ForbiddenError);
    await assert.rejects(listRosterForExport(admin), ForbiddenError);
    await assert.rejects(getAthleteForCoach(alice, alice.id), ForbiddenError);
  });
});
