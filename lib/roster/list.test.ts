import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { db } from "@/db";
import { coachAthletes, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { athleteOf, connect, makeUser, NOW, nowSeconds, openRosterDb } from "@/tests/helpers/roster";
import { getAthleteForCoach } from "./athlete";
import { rosterCsv } from "./csv";
import { listRoster, listRosterForExport } from "./list";

// Env first (openRosterDb: three services configured, ExorLive not, so its empty cells are "not_configured"),
// then migrate; app modules read env on first use.

const names = (rows: { name: string }[]) => rows.map((r) => r.name);

before(async () => {
  await openRosterDb();
});

describe("roster statuses, filters, sort, summary", () => {
  let coach: SessionUser;
  const refreshed = new Date(NOW - 3_600_000);
  before(async () => {
    coach = await makeUser("coach", "Coach Status");
    const quinn = await athleteOf(coach, "Quinn Reauth", "quinn@clubs.example");
    await connect(quinn, "trainerday", { state: "needs_reauth" });
    await connect(quinn, "enduco", { lastRefreshedAt: refreshed, lastVerifiedAt: refreshed });
    const tess = await athleteOf(coach, "Tess Revoked", "tess@other.example");
    await connect(tess, "enduco", { state: "revoked_by_service", accessToken: null, refreshToken: null, expiresAt: null });
    const sam = await athleteOf(coach, "Sam Failing", "sam@clubs.example");
    await connect(sam, "fitrankings", { failureCount: 2, expiresAt: null, lastError: "FitRankings answered 503" });
    const rita = await athleteOf(coach, "Rita Expiring", "rita@other.example");
    await connect(rita, "enduco", { expiresAt: nowSeconds + 60 });
    await connect(rita, "trainerday", { state: "revocation_pending" });
    const ursula = await athleteOf(coach, "Ursula None", "ursula@other.example");
    await connect(ursula, "trainerday", { state: "disconnected", accessToken: null, refreshToken: null });
    await connect(ursula, "enduco", { accessToken: null });
    const pat = await athleteOf(coach, "Zoë Ärmel", "ZOE.Upper@Clubs.Example");
    for (const s of ["trainerday", "enduco", "fitrankings"] as const) await connect(pat, s);
    const adam = await athleteOf(coach, "Adam Reauth", "adam@other.example");
    await connect(adam, "enduco", { state: "needs_reauth" });
    const mia = await athleteOf(coach, "Mia Missing", "mia@other.example");
    await connect(mia, "trainerday", { scope: "athlete:read calendar:read", expiresAt: nowSeconds + 60 });
  });

  it("derives each cell's status from state, failure count, granted scope and expiry, and carries the last refresh and verification", async () => {
    const { rows } = await listRoster(coach, {}, NOW);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const status = (name: string) => Object.fromEntries(Object.entries(byName.get(name)!.cells).map(([k, v]) => [k, v.status]));
    assert.deepEqual(status("Quinn Reauth"), {
      trainerday: "needs_reauth",
      enduco: "connected",
      fitrankings: "not_connected",
      exorlive: "not_configured",
    });
    assert.deepEqual(status("Tess Revoked"), {
      trainerday: "not_connected",
      enduco: "revoked_by_service",
      fitrankings: "not_connected",
      exorlive: "not_configured",
    });
    assert.equal(status("Sam Failing").fitrankings, "refresh_failing");
    assert.deepEqual(status("Rita Expiring"), {
      trainerday: "revocation_pending",
      enduco: "expiring",
      fitrankings: "not_connected",
      exorlive: "not_configured",
    });
    assert.deepEqual(status("Ursula None"), {
      trainerday: "not_connected",
      enduco: "not_connected",
      fitrankings: "not_connected",
      exorlive: "not_configured",
    });
    // workout:read is required and not granted; that outranks the token's expiry.
    assert.equal(status("Mia Missing").trainerday, "missing_permissions");
    assert.deepEqual(byName.get("Quinn Reauth")!.cells.enduco.lastRefreshedAt, refreshed);
    assert.deepEqual(byName.get("Quinn Reauth")!.cells.enduco.lastVerifiedAt, refreshed);
    assert.equal(byName.get("Quinn Reauth")!.cells.trainerday.lastRefreshedAt, null);
    assert.equal(byName.get("Quinn Reauth")!.cells.fitrankings.lastVerifiedAt, null);
  });

  it("never carries a token, sealed or not", async () => {
    const page = await listRoster(coach, {}, NOW);
    assert.ok(!JSON.stringify(page).includes("v1.k."));
    const quinn = page.rows.find((r) => r.name === "Quinn Reauth")!;
    const detail = await getAthleteForCoach(coach, quinn.id, NOW);
    assert.ok(!JSON.stringify(detail).includes("v1.k."));
    assert.ok(!(await rosterCsv(coach, {}, NOW)).includes("v1.k."));
  });

  it("summary per service and attentionCount cover the whole roster, whatever the filters", async () => {
    const expected = [
      { service: "trainerday", connected: 1, attention: 2, notConnected: 5 },
      { service: "enduco", connected: 3, attention: 2, notConnected: 3 },
      { service: "fitrankings", connected: 1, attention: 1, notConnected: 6 },
      { service: "exorlive", connected: 0, attention: 0, notConnected: 8 },
    ];
    for (const options of [{}, { q: "nobody-matches-this" }, { attention: true }]) {
      const page = await listRoster(coach, options, NOW);
      assert.deepEqual(
        page.summary.map(({ service, connected, attention, notConnected }) => ({ service, connected, attention, notConnected })),
        expected,
      );
      assert.equal(page.attentionCount, 5, "Quinn, Tess, Sam, Adam, Mia");
      assert.equal(page.rosterSize, 8);
    }
    const empty = await listRoster(coach, { q: "nobody-matches-this" }, NOW);
    assert.deepEqual([empty.total, empty.rows.length, empty.page, empty.pageCount], [0, 0, 1, 1]);
  });

  it("Needs attention keeps athletes with a refresh failing, missing permissions, needs reconnect or revoked status", async () => {
    const page = await listRoster(coach, { attention: true }, NOW);
    assert.deepEqual(names(page.rows), ["Adam Reauth", "Mia Missing", "Quinn Reauth", "Sam Failing", "Tess Revoked"]);
    assert.equal(page.total, 5);
  });

  it("search matches name or email, case-insensitively (Unicode too), trimmed, combined with the attention filter", async () => {
    assert.deepEqual(names((await listRoster(coach, { q: "REAUTH" }, NOW)).rows), ["Adam Reauth", "Quinn Reauth"]);
    assert.deepEqual(names((await listRoster(coach, { q: "  zoË ärm " }, NOW)).rows), ["Zoë Ärmel"]);
    assert.deepEqual(names((await listRoster(coach, { q: "clubs.EXAMPLE" }, NOW)).rows), ["Quinn Reauth", "Sam Failing", "Zoë Ärmel"]);
    assert.deepEqual(names((await listRoster(coach, { q: "zoe.upper@" }, NOW)).rows), ["Zoë Ärmel"]);
    assert.deepEqual(names((await listRoster(coach, { q: "clubs", attention: true }, NOW)).rows), ["Quinn Reauth", "Sam Failing"]);
    assert.equal((await listRoster(coach, { q: "%" }, NOW)).total, 0, "no LIKE wildcards");
  });

  it("sorts by name, or by worst status with ties by name", async () => {
    assert.deepEqual(names((await listRoster(coach, { sort: "name" }, NOW)).rows), [
      "Adam Reauth",
      "Mia Missing",
      "Quinn Reauth",
      "Rita Expiring",
      "Sam Failing",
      "Tess Revoked",
      "Ursula None",
      "Zoë Ärmel",
    ]);
    assert.deepEqual(names((await listRoster(coach, { sort: "status" }, NOW)).rows), [
      "Adam Reauth", // needs_reauth
      "Quinn Reauth", // needs_reauth
      "Tess Revoked", // revoked_by_service
      "Sam Failing", // refresh_failing
      "Mia Missing", // missing_permissions
      "Rita Expiring", // expiring
      "Ursula None", // not_connected
      "Zoë Ärmel", // not_configured (ExorLive) is worse than connected
    ]);
    assert.deepEqual(
      names((await listRosterForExport(coach, { sort: "status", attention: true }, NOW)).rows),
      ["Adam Reauth", "Quinn Reauth", "Tess Revoked", "Sam Failing", "Mia Missing"],
      "the export has the same rows and order",
    );
  });
});

describe("roster pagination", () => {
  let coach: SessionUser;
  before(async () => {
    coach = await makeUser("coach", "Coach Big");
    const athletes = Array.from({ length: 120 }, (_, i) => ({
      id: randomUUID(),
      email: `big${i + 1}@test.example`,
      name: `Athlete ${String(i + 1).padStart(3, "0")}`,
      role: "athlete" as const,
    }));
    await db.insert(users).values(athletes);
    await db.insert(coachAthletes).values(athletes.map((a) => ({ coachId: coach.id, athleteId: a.id })));
  });

  it("50 rows a page: pages 1..3, a page past the end shows the last, below 1 the first", async () => {
    const p1 = await listRoster(coach, { page: 1 }, NOW);
    assert.deepEqual([p1.total, p1.pageCount, p1.page, p1.rows.length, p1.pageSize], [120, 3, 1, 50, 50]);
    assert.equal(p1.rows[0]!.name, "Athlete 001");
    assert.equal(p1.rows[49]!.name, "Athlete 050");
    const p2 = await listRoster(coach, { page: 2 }, NOW);
    assert.deepEqual([p2.page, p2.rows.length, p2.rows[0]!.name], [2, 50, "Athlete 051"]);
    const p3 = await listRoster(coach, { page: 3 }, NOW);
    assert.deepEqual([p3.page, p3.rows.length, p3.rows[19]!.name], [3, 20, "Athlete 120"]);
    const past = await listRoster(coach, { page: 99 }, NOW);
    assert.deepEqual([past.page, past.rows.length, past.rows[0]!.name], [3, 20, "Athlete 101"]);
    assert.equal((await listRoster(coach, { page: 0 }, NOW)).page, 1);
    assert.equal((await listRoster(coach, { page: Number.NaN }, NOW)).page, 1);
    assert.equal((await listRosterForExport(coach, {}, NOW)).rows.length, 120, "the export is not paginated");
  });

  it("filters apply before paging", async () => {
    const page = await listRoster(coach, { q: "athlete 1", page: 5 }, NOW);
    assert.deepEqual([page.total, page.pageCount, page.page], [21, 1, 1], "Athlete 100 to 120");
  });
});
