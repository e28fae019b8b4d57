import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { openMigratedDb } from "@/tests/helpers/db";

// Env first (tests/setup.ts gave us a fresh DATABASE_URL): three services configured, ExorLive not (so its
// empty cells are "not_configured"). Then migrate, then import app modules.
Object.assign(process.env, {
  NEXTAUTH_URL: "http://localhost:3000",
  TRAINERDAY_CLIENT_ID: "td-client",
  TRAINERDAY_CLIENT_SECRET: "td-secret",
  ENDUCO_CLIENT_ID: "en-client",
  ENDUCO_CLIENT_SECRET: "en-secret",
  FITRANKINGS_CLIENT_ID: "fr-client",
  FITRANKINGS_CLIENT_SECRET: "fr-secret",
  REFRESH_MARGIN_SECONDS: "300",
});
delete process.env.EXORLIVE_CLIENT_ID;
delete process.env.EXORLIVE_CLIENT_SECRET;

type SessionUser = import("@/lib/auth/users").SessionUser;
type ServiceId = import("@/db/schema").ServiceId;
type Account = import("@/db/schema").Account;
let roster: typeof import("@/lib/roster/list") & typeof import("@/lib/roster/csv") & typeof import("@/lib/roster/athlete") & typeof import("@/lib/roster/query");
let toCsv: typeof import("@/lib/csv").toCsv;
let db: typeof import("@/db").db;
let schema: typeof import("@/db/schema");
let ForbiddenError: typeof import("@/lib/authz").ForbiddenError;

const NOW = Date.now();
const SEALED = "v1.k.i.c.t";
const nowSeconds = Math.floor(NOW / 1000);

function makeUser(role: "athlete" | "coach" | "admin", name = `${role} ${randomUUID().slice(0, 6)}`, email = `${randomUUID()}@test.example`, disabled = false): SessionUser {
  const user = { id: randomUUID(), email, name, role };
  db.insert(schema.users)
    .values({ ...user, disabledAt: disabled ? new Date(NOW) : null })
    .run();
  return user;
}
function assign(coach: SessionUser, ...athletes: SessionUser[]) {
  for (const athlete of athletes) db.insert(schema.coachAthletes).values({ coachId: coach.id, athleteId: athlete.id }).run();
}
function athleteOf(coach: SessionUser, name: string, email?: string) {
  const athlete = makeUser("athlete", name, email);
  assign(coach, athlete);
  return athlete;
}
/** A connection row with sealed-looking tokens; connected, valid for an hour, unless overridden. */
function connect(athlete: SessionUser, provider: ServiceId, over: Partial<Account> = {}) {
  db.insert(schema.accounts)
    .values({
      id: randomUUID(),
      userId: athlete.id,
      provider,
      providerAccountId: randomUUID(),
      accessToken: SEALED,
      refreshToken: "v1.k.i.c.r",
      keyId: "k",
      expiresAt: nowSeconds + 3600,
      state: "connected",
      linkedAt: new Date(NOW - 86_400_000),
      updatedAt: new Date(NOW),
      ...over,
    })
    .run();
}
const names = (rows: { name: string }[]) => rows.map((r) => r.name);
const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

before(async () => {
  ({ db, schema } = await openMigratedDb());
  ({ ForbiddenError } = await import("@/lib/authz"));
  ({ toCsv } = await import("@/lib/csv"));
  roster = { ...(await import("@/lib/roster/list")), ...(await import("@/lib/roster/csv")), ...(await import("@/lib/roster/athlete")), ...(await import("@/lib/roster/query")) };
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

describe("roster statuses, filters, sort, summary", () => {
  let coach: SessionUser;
  const refreshed = new Date(NOW - 3_600_000);
  before(() => {
    coach = makeUser("coach", "Coach Status");
    const quinn = athleteOf(coach, "Quinn Reauth", "quinn@clubs.example");
    connect(quinn, "trainerday", { state: "needs_reauth" });
    connect(quinn, "enduco", { lastRefreshedAt: refreshed });
    const tess = athleteOf(coach, "Tess Revoked", "tess@other.example");
    connect(tess, "enduco", { state: "revoked_by_service", accessToken: null, refreshToken: null, expiresAt: null });
    const sam = athleteOf(coach, "Sam Failing", "sam@clubs.example");
    connect(sam, "fitrankings", { failureCount: 2, expiresAt: null, lastError: "FitRankings answered 503" });
    const rita = athleteOf(coach, "Rita Expiring", "rita@other.example");
    connect(rita, "enduco", { expiresAt: nowSeconds + 60 });
    connect(rita, "trainerday", { state: "revocation_pending" });
    const ursula = athleteOf(coach, "Ursula None", "ursula@other.example");
    connect(ursula, "trainerday", { state: "disconnected", accessToken: null, refreshToken: null });
    connect(ursula, "enduco", { accessToken: null });
    const pat = athleteOf(coach, "Zoë Ärmel", "ZOE.Upper@Clubs.Example");
    for (const s of ["trainerday", "enduco", "fitrankings"] as const) connect(pat, s);
    const adam = athleteOf(coach, "Adam Reauth", "adam@other.example");
    connect(adam, "enduco", { state: "needs_reauth" });
  });

  it("derives each cell's status from state, failure count and expiry, and carries the last refresh", async () => {
    const { rows } = await roster.listRoster(coach, {}, NOW);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const status = (name: string) => Object.fromEntries(Object.entries(byName.get(name)!.cells).map(([k, v]) => [k, v.status]));
    assert.deepEqual(status("Quinn Reauth"), { trainerday: "needs_reauth", enduco: "connected", fitrankings: "not_connected", exorlive: "not_configured" });
    assert.deepEqual(status("Tess Revoked"), { trainerday: "not_connected", enduco: "revoked_by_service", fitrankings: "not_connected", exorlive: "not_configured" });
    assert.equal(status("Sam Failing").fitrankings, "refresh_failing");
    assert.deepEqual(status("Rita Expiring"), { trainerday: "revocation_pending", enduco: "expiring", fitrankings: "not_connected", exorlive: "not_configured" });
    assert.deepEqual(status("Ursula None"), { trainerday: "not_connected", enduco: "not_connected", fitrankings: "not_connected", exorlive: "not_configured" });
    assert.deepEqual(byName.get("Quinn Reauth")!.cells.enduco.lastRefreshedAt, refreshed);
    assert.equal(byName.get("Quinn Reauth")!.cells.trainerday.lastRefreshedAt, null);
  });

  it("never carries a token, sealed or not", async () => {
    const page = await roster.listRoster(coach, {}, NOW);
    assert.ok(!JSON.stringify(page).includes("v1.k."));
    const quinn = page.rows.find((r) => r.name === "Quinn Reauth")!;
    const detail = await roster.getAthleteForCoach(coach, quinn.id, NOW);
    assert.ok(!JSON.stringify(detail).includes("v1.k."));
    assert.ok(!(await roster.rosterCsv(coach, {}, NOW)).includes("v1.k."));
  });

  it("summary per service and attentionCount cover the whole roster, whatever the filters", async () => {
    const expected = [
      { service: "trainerday", connected: 1, attention: 1, notConnected: 5 },
      { service: "enduco", connected: 3, attention: 2, notConnected: 2 },
      { service: "fitrankings", connected: 1, attention: 1, notConnected: 5 },
      { service: "exorlive", connected: 0, attention: 0, notConnected: 7 },
    ];
    for (const options of [{}, { q: "nobody-matches-this" }, { attention: true }]) {
      const page = await roster.listRoster(coach, options, NOW);
      assert.deepEqual(
        page.summary.map(({ service, connected, attention, notConnected }) => ({ service, connected, attention, notConnected })),
        expected,
      );
      assert.equal(page.attentionCount, 4, "Quinn, Tess, Sam, Adam");
      assert.equal(page.rosterSize, 7);
    }
    const empty = await roster.listRoster(coach, { q: "nobody-matches-this" }, NOW);
    assert.deepEqual([empty.total, empty.rows.length, empty.page, empty.pageCount], [0, 0, 1, 1]);
  });

  it("Needs attention keeps athletes with a refresh failing, needs reconnect or revoked status", async () => {
    const page = await roster.listRoster(coach, { attention: true }, NOW);
    assert.deepEqual(names(page.rows), ["Adam Reauth", "Quinn Reauth", "Sam Failing", "Tess Revoked"]);
    assert.equal(page.total, 4);
  });

  it("search matches name or email, case-insensitively (Unicode too), trimmed, combined with the attention filter", async () => {
    assert.deepEqual(names((await roster.listRoster(coach, { q: "REAUTH" }, NOW)).rows), ["Adam Reauth", "Quinn Reauth"]);
    assert.deepEqual(names((await roster.listRoster(coach, { q: "  zoË ärm " }, NOW)).rows), ["Zoë Ärmel"]);
    assert.deepEqual(names((await roster.listRoster(coach, { q: "clubs.EXAMPLE" }, NOW)).rows), ["Quinn Reauth", "Sam Failing", "Zoë Ärmel"]);
    assert.deepEqual(names((await roster.listRoster(coach, { q: "zoe.upper@" }, NOW)).rows), ["Zoë Ärmel"]);
    assert.deepEqual(names((await roster.listRoster(coach, { q: "clubs", attention: true }, NOW)).rows), ["Quinn Reauth", "Sam Failing"]);
    assert.equal((await roster.listRoster(coach, { q: "%" }, NOW)).total, 0, "no LIKE wildcards");
  });

  it("sorts by name, or by worst status with ties by name", async () => {
    assert.deepEqual(names((await roster.listRoster(coach, { sort: "name" }, NOW)).rows), [
      "Adam Reauth",
      "Quinn Reauth",
      "Rita Expiring",
      "Sam Failing",
      "Tess Revoked",
      "Ursula None",
      "Zoë Ärmel",
    ]);
    assert.deepEqual(names((await roster.listRoster(coach, { sort: "status" }, NOW)).rows), [
      "Adam Reauth", // needs_reauth
      "Quinn Reauth", // needs_reauth
      "Tess Revoked", // revoked_by_service
      "Sam Failing", // refresh_failing
      "Rita Expiring", // expiring
      "Ursula None", // not_connected
      "Zoë Ärmel", // not_configured (ExorLive) is worse than connected
    ]);
    assert.deepEqual(
      names((await roster.listRosterForExport(coach, { sort: "status", attention: true }, NOW)).rows),
      ["Adam Reauth", "Quinn Reauth", "Tess Revoked", "Sam Failing"],
      "the export has the same rows and order",
    );
  });

  it("athlete detail: status, scopes with descriptions, not granted, expiry, times", async () => {
    const other = makeUser("athlete", "Scoped Athlete");
    assign(coach, other);
    connect(other, "trainerday", { scope: "athlete:read workout:read", requestedScope: "athlete:read calendar:read workout:read", lastRefreshedAt: refreshed, expiresAt: nowSeconds + 7200 });
    connect(other, "fitrankings", { expiresAt: null });
    const detail = await roster.getAthleteForCoach(coach, other.id, NOW);
    assert.equal(detail.name, "Scoped Athlete");
    const td = detail.services.find((s) => s.service === "trainerday")!;
    assert.equal(td.status, "connected");
    assert.deepEqual(td.grantedScopes, [
      { id: "athlete:read", description: "See your TrainerDay athlete profile" },
      { id: "workout:read", description: "See your TrainerDay workouts" },
    ]);
    assert.deepEqual(td.missingScopes.map((s) => s.id), ["calendar:read"]);
    assert.equal(td.expiresAt, nowSeconds + 7200);
    assert.deepEqual(td.lastRefreshedAt, refreshed);
    assert.ok(td.linkedAt);
    const fr = detail.services.find((s) => s.service === "fitrankings")!;
    assert.equal(fr.expiresAt, null);
    assert.deepEqual(fr.grantedScopes, []);
    const ex = detail.services.find((s) => s.service === "exorlive")!;
    assert.equal(ex.status, "not_configured");
    assert.equal(ex.linkedAt, null);
    assert.deepEqual(Object.keys(td).sort(), ["expiresAt", "grantedScopes", "lastError", "lastErrorAt", "lastRefreshedAt", "linkedAt", "missingScopes", "name", "service", "serviceAccount", "status"]);
  });
});

describe("roster pagination", () => {
  let coach: SessionUser;
  before(() => {
    coach = makeUser("coach", "Coach Big");
    const athletes = Array.from({ length: 120 }, (_, i) => ({
      id: randomUUID(),
      email: `big${i + 1}@test.example`,
      name: `Athlete ${String(i + 1).padStart(3, "0")}`,
      role: "athlete" as const,
    }));
    db.insert(schema.users).values(athletes).run();
    db.insert(schema.coachAthletes)
      .values(athletes.map((a) => ({ coachId: coach.id, athleteId: a.id })))
      .run();
  });

  it("50 rows a page: pages 1..3, a page past the end shows the last, below 1 the first", async () => {
    const p1 = await roster.listRoster(coach, { page: 1 }, NOW);
    assert.deepEqual([p1.total, p1.pageCount, p1.page, p1.rows.length, p1.pageSize], [120, 3, 1, 50, 50]);
    assert.equal(p1.rows[0]!.name, "Athlete 001");
    assert.equal(p1.rows[49]!.name, "Athlete 050");
    const p2 = await roster.listRoster(coach, { page: 2 }, NOW);
    assert.deepEqual([p2.page, p2.rows.length, p2.rows[0]!.name], [2, 50, "Athlete 051"]);
    const p3 = await roster.listRoster(coach, { page: 3 }, NOW);
    assert.deepEqual([p3.page, p3.rows.length, p3.rows[19]!.name], [3, 20, "Athlete 120"]);
    const past = await roster.listRoster(coach, { page: 99 }, NOW);
    assert.deepEqual([past.page, past.rows.length, past.rows[0]!.name], [3, 20, "Athlete 101"]);
    assert.equal((await roster.listRoster(coach, { page: 0 }, NOW)).page, 1);
    assert.equal((await roster.listRoster(coach, { page: Number.NaN }, NOW)).page, 1);
    assert.equal((await roster.listRosterForExport(coach, {}, NOW)).rows.length, 120, "the export is not paginated");
  });

  it("filters apply before paging", async () => {
    const page = await roster.listRoster(coach, { q: "athlete 1", page: 5 }, NOW);
    assert.deepEqual([page.total, page.pageCount, page.page], [21, 1, 1], "Athlete 100 to 120");
  });
});

describe("roster query parsing", () => {
  it("lenient for pages, strict for the export", () => {
    assert.deepEqual(roster.parseRosterQuery({ q: " ann ", attention: "1", sort: "status", page: "2" }), { q: "ann", attention: true, sort: "status", page: 2 });
    assert.deepEqual(roster.parseRosterQuery({ sort: "evil", page: "-3", attention: "yes" }), { q: undefined, attention: false, sort: "name", page: 1 });
    assert.deepEqual(roster.parseRosterQuery({ q: ["first", "second"] }).q, "first");
    assert.equal(roster.parseRosterQuery({ sort: "evil" }, "strict"), null);
    assert.equal(roster.parseRosterQuery({ page: "x" }, "strict"), null);
    assert.deepEqual(roster.parseRosterQuery({ attention: "on", sort: "status" }, "strict"), { q: undefined, attention: true, sort: "status", page: 1 });
    assert.equal(roster.rosterSearchParams({ q: "a b", attention: true, sort: "status", page: 3 }), "q=a+b&attention=1&sort=status&page=3");
    assert.equal(roster.rosterSearchParams({ sort: "name", page: 1 }), "");
  });
});

describe("toCsv", () => {
  it("quotes every field and doubles quotes (RFC 4180, CRLF records)", () => {
    assert.equal(toCsv([["Name", "Email"], ["a,b", 'say "hi"'], ["line\nbreak", "plain"]]), '"Name","Email"\r\n"a,b","say ""hi"""\r\n"line\nbreak","plain"\r\n');
    assert.equal(toCsv([]), "");
    assert.equal(toCsv([["", "x"]]), '"","x"\r\n');
  });

  it("guards formula injection with an apostrophe at the start of the field and after each , or ;", () => {
    assert.equal(
      toCsv([["=SUM(A1:A9)", "+1", "-2", "@cmd", "\tx", "safe=1", "=1,2"]]),
      `"'=SUM(A1:A9)","'+1","'-2","'@cmd","'\tx","safe=1","'=1,2"\r\n`,
    );
    assert.equal(toCsv([["\rx"]]), `"'\rx"\r\n`);
    // A spreadsheet splitting at ; (or ,) would start a cell at each of these.
    assert.equal(toCsv([["Kari;=cmd|' /C calc'!A0", "a,+1", "x; @y", "a;b"]]), `"Kari;'=cmd|' /C calc'!A0","a,'+1","x; @y","a;b"\r\n`);
  });

  it("the roster export guards athletes' names too and has the documented header", async () => {
    const coach = makeUser("coach", "Coach Csv");
    const evil = athleteOf(coach, '=HYPERLINK("http://evil.example","x")', "evil@test.example");
    connect(evil, "trainerday", { lastRefreshedAt: new Date(Date.UTC(2025, 10, 21, 14, 5, 9)) });
    const lines = (await roster.rosterCsv(coach, {}, NOW)).split("\r\n");
    assert.equal(
      lines[0],
      '"Name","Email","TrainerDay status","TrainerDay last refreshed (UTC)","enduco status","enduco last refreshed (UTC)","FitRankings status","FitRankings last refreshed (UTC)","ExorLive status","ExorLive last refreshed (UTC)"',
    );
    assert.equal(lines[1], `"'=HYPERLINK(""http://evil.example"",""x"")","evil@test.example","Connected","2025-11-21 14:05:09","Not connected","","Not connected","","Not configured",""`);
  });
});
