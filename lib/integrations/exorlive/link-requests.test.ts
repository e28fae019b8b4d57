import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { and, asc, eq, like } from "drizzle-orm";
import { adminActions, accounts, exorliveLinkRequests, mailOutbox } from "@/db/schema";
import { db } from "@/db";
import type { SessionUser } from "@/lib/auth/users";
import { ForbiddenError } from "@/lib/authz";
import { assign, athleteOf, connect, makeUser, NOW, openRosterDb } from "@/tests/helpers/roster";
import { startSandbox } from "@/sandbox/server";
import { searchAthletes } from "./athlete-search";
import {
  approveLinkRequest,
  cancelLinkRequest,
  currentLinkRequest,
  declineLinkRequest,
  listOpenLinkRequests,
  requestExorLiveLink,
} from "./link-requests";

// The roster tests' env and database, then ExorLive pointed at the sandbox (real HTTP) before lib/env's first read:
// approving a request links through the admin's own code path (linkServerToServer → Authorize.aspx → Token.ashx).
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
before(async () => {
  const requesterUrl = "http://localhost:3000/exorlive";
  sandbox = await startSandbox({ port: 0, log: () => {}, env: { EXORLIVE_REQUESTER_URL: requesterUrl } });
  await openRosterDb();
  Object.assign(process.env, {
    EXORLIVE_AUTH_URL: `${sandbox.url}/exorlive`,
    EXORLIVE_CLIENT_ID: "sandbox-exorlive-client",
    EXORLIVE_CLIENT_SECRET: "sandbox-exorlive-secret",
    EXORLIVE_REQUESTER_URL: requesterUrl,
    // Mail on (nothing is sent: no worker runs), so decisions write their mail to the outbox.
    SMTP_URL: "smtp://127.0.0.1:9",
  });
});
after(() => sandbox.close());

/** The request created by `promise`, failing the test on a refusal. */
async function created(promise: ReturnType<typeof requestExorLiveLink>) {
  const result = await promise;
  if ("error" in result) assert.fail(`refused: ${result.error}`);
  return result.request;
}

/** The audit kinds written about `athlete`, oldest first. */
async function auditKinds(athlete: SessionUser) {
  const rows = await db
    .select({ kind: adminActions.kind, actorId: adminActions.actorId, detail: adminActions.detail })
    .from(adminActions)
    .where(eq(adminActions.targetUserId, athlete.id))
    .orderBy(asc(adminActions.id));
  return rows;
}

/** The outbox rows of request `id` (dedupe keys `exorlive-request:<id>:…`). */
async function mailsOf(id: string) {
  return db
    .select()
    .from(mailOutbox)
    .where(like(mailOutbox.dedupeKey, `exorlive-request:${id}:%`));
}

async function requestRow(id: string) {
  const [row] = await db.select().from(exorliveLinkRequests).where(eq(exorliveLinkRequests.id, id));
  return row!;
}

describe("ExorLive link requests", () => {
  let coach: SessionUser, otherCoach: SessionUser, admin: SessionUser;
  before(async () => {
    coach = await makeUser("coach", "Coach Cora");
    otherCoach = await makeUser("coach", "Coach Other");
    admin = await makeUser("admin", "Admin Ada");
  });

  it("an athlete asks for themself: open, audited, in the queue and on their card", async () => {
    const athlete = await athleteOf(coach, "Ann Asks", "ann.asks@test.example");
    const request = await created(
      requestExorLiveLink({ actor: athlete, athleteId: athlete.id, exorliveUserId: " 31337 ", note: "  my clinic id  ", nowMs: NOW }),
    );
    assert.equal(request.status, "open");
    assert.equal(request.exorliveUserId, "31337");
    assert.equal(request.note, "my clinic id");
    assert.equal(request.requestedBy, athlete.id);
    assert.equal(request.createdAt.getTime(), NOW);
    assert.deepEqual(await auditKinds(athlete), [{ kind: "exorlive_link_requested", actorId: athlete.id, detail: "ExorLive user 31337" }]);

    const queue = await listOpenLinkRequests(admin);
    const queued = queue.find((q) => q.id === request.id);
    assert.ok(queued);
    assert.equal(queued.athleteName, "Ann Asks");
    assert.equal(queued.athleteEmail, "ann.asks@test.example");
    assert.equal(queued.requestedByName, "Ann Asks");
    assert.equal(queued.requestedByRole, "athlete");

    const shown = await currentLinkRequest(athlete, athlete.id);
    assert.equal(shown?.id, request.id);
    assert.equal(shown?.status, "open");
    // Their coach sees it too; another coach may not look.
    assert.equal((await currentLinkRequest(coach, athlete.id))?.id, request.id);
    await assert.rejects(currentLinkRequest(otherCoach, athlete.id), ForbiddenError);
  });

  it("authorization: an athlete only for themself, a coach only for their roster, an admin never asks; only admins see the queue", async () => {
    const mine = await athleteOf(coach, "Mia Mine");
    const theirs = await athleteOf(otherCoach, "Theo Theirs");
    await assert.rejects(requestExorLiveLink({ actor: theirs, athleteId: mine.id, exorliveUserId: "1", nowMs: NOW }), ForbiddenError);
    await assert.rejects(requestExorLiveLink({ actor: coach, athleteId: theirs.id, exorliveUserId: "1", nowMs: NOW }), ForbiddenError);
    await assert.rejects(requestExorLiveLink({ actor: admin, athleteId: mine.id, exorliveUserId: "1", nowMs: NOW }), ForbiddenError);
    // A coach on a roster is not an athlete.
    const notAthlete = await makeUser("coach", "Coach On Roster");
    await assign(coach, notAthlete);
    await assert.rejects(requestExorLiveLink({ actor: coach, athleteId: notAthlete.id, exorliveUserId: "1", nowMs: NOW }), ForbiddenError);
    await assert.rejects(listOpenLinkRequests(coach), ForbiddenError);
    await assert.rejects(listOpenLinkRequests(mine), ForbiddenError);

    const byCoach = await created(requestExorLiveLink({ actor: coach, athleteId: mine.id, exorliveUserId: "777", nowMs: NOW }));
    assert.equal(byCoach.requestedBy, coach.id);
    // Another coach cannot cancel it; the athlete can.
    await assert.rejects(cancelLinkRequest({ actor: otherCoach, requestId: byCoach.id }), ForbiddenError);
    await assert.rejects(cancelLinkRequest({ actor: theirs, requestId: byCoach.id }), ForbiddenError);
    await assert.rejects(cancelLinkRequest({ actor: mine, requestId: "no-such-request" }), ForbiddenError);
    assert.deepEqual(await cancelLinkRequest({ actor: mine, requestId: byCoach.id, nowMs: NOW + 1000 }), { ok: "Request cancelled." });
    const row = await requestRow(byCoach.id);
    assert.equal(row.status, "cancelled");
    assert.equal(row.decidedBy, mine.id);
    assert.equal(row.decidedAt?.getTime(), NOW + 1000);
    assert.equal(await currentLinkRequest(mine, mine.id), null, "a cancelled request leaves the card as before");
    assert.deepEqual(
      (await auditKinds(mine)).map((a) => a.kind),
      ["exorlive_link_requested", "exorlive_link_request_cancelled"],
    );
  });

  it("validates the ExorLive user ID with the admin form's rule, and refuses a disabled or already linked athlete", async () => {
    const athlete = await athleteOf(coach, "Val Validate");
    for (const bad of ["", "12a", "1".repeat(19), "12 34"]) {
      const result = await requestExorLiveLink({ actor: athlete, athleteId: athlete.id, exorliveUserId: bad, nowMs: NOW });
      assert.ok("error" in result && result.reason === "invalid_user_id", bad);
    }
    const linked = await athleteOf(coach, "Lena Linked");
    await connect(linked, "exorlive");
    const already = await requestExorLiveLink({ actor: coach, athleteId: linked.id, exorliveUserId: "5", nowMs: NOW });
    assert.ok("error" in already && already.reason === "already_linked");
    const disabled = await makeUser("athlete", "Dina Disabled", undefined, true);
    await assign(coach, disabled);
    const off = await requestExorLiveLink({ actor: coach, athleteId: disabled.id, exorliveUserId: "5", nowMs: NOW });
    assert.ok("error" in off && off.reason === "athlete_disabled");
    assert.deepEqual(await auditKinds(athlete), []);
  });

  it("one open request per athlete: the second is refused saying when and by whom; also two at once", async () => {
    const athlete = await athleteOf(coach, "Olga Once");
    await created(requestExorLiveLink({ actor: coach, athleteId: athlete.id, exorliveUserId: "100", nowMs: NOW }));
    const again = await requestExorLiveLink({ actor: athlete, athleteId: athlete.id, exorliveUserId: "200", nowMs: NOW });
    assert.ok("error" in again);
    assert.equal(again.reason, "already_open");
    assert.match(again.error, /^ExorLive was already requested on \d{1,2} \w{3} \d{4} by Coach Cora \(ExorLive user 100\)/);
    assert.match(again.error, /Cancel it first/);

    const racer = await athleteOf(coach, "Rita Race");
    const results = await Promise.all([
      requestExorLiveLink({ actor: coach, athleteId: racer.id, exorliveUserId: "300", nowMs: NOW }),
      requestExorLiveLink({ actor: racer, athleteId: racer.id, exorliveUserId: "301", nowMs: NOW }),
    ]);
    assert.equal(results.filter((r) => "request" in r).length, 1);
    assert.equal(results.filter((r) => "error" in r && r.reason === "already_open").length, 1);
    const open = await db
      .select()
      .from(exorliveLinkRequests)
      .where(and(eq(exorliveLinkRequests.athleteId, racer.id), eq(exorliveLinkRequests.status, "open")));
    assert.equal(open.length, 1);
  });

  it("approve links ExorLive through the admin's code path (real sandbox HTTP) and closes the request", async () => {
    const athlete = await athleteOf(coach, "Pia Approve");
    const request = await created(requestExorLiveLink({ actor: athlete, athleteId: athlete.id, exorliveUserId: "424242", nowMs: NOW }));
    await assert.rejects(approveLinkRequest({ admin: coach, requestId: request.id }), ForbiddenError);
    const result = await approveLinkRequest({ admin, requestId: request.id, nowMs: NOW + 5000 });
    assert.deepEqual(result, { ok: "ExorLive is linked for Pia Approve (ExorLive user 424242); the request is approved." });
    const row = await requestRow(request.id);
    assert.equal(row.status, "approved");
    assert.equal(row.decidedBy, admin.id);
    assert.equal(row.decidedAt?.getTime(), NOW + 5000);
    const [account] = await db
      .select()
      .from(accounts)
      .where(and(eq(accounts.userId, athlete.id), eq(accounts.provider, "exorlive")));
    assert.equal(account?.providerAccountId, "424242");
    assert.equal(account?.state, "connected");
    assert.deepEqual(
      (await auditKinds(athlete)).map((a) => [a.kind, a.actorId]),
      [
        ["exorlive_link_requested", athlete.id],
        ["exorlive_linked", admin.id],
        ["exorlive_link_request_approved", admin.id],
      ],
    );
    assert.equal(await currentLinkRequest(athlete, athlete.id), null);
    assert.ok(!(await listOpenLinkRequests(admin)).some((q) => q.id === request.id));
    const [mail, ...more] = await mailsOf(request.id);
    assert.equal(more.length, 0);
    assert.equal(mail?.subject, "ExorLive is linked");
    assert.equal(mail?.toAddress, athlete.email);
    assert.match(mail?.textBody ?? "", /linked ExorLive for you \(ExorLive user 424242\)/);
    // Deciding it again is refused: it is no longer open.
    const again = await approveLinkRequest({ admin, requestId: request.id });
    assert.ok("error" in again && /no longer open/.test(again.error));
  });

  it("a failed link keeps the request open and says why", async () => {
    const athlete = await athleteOf(coach, "Una Unknown");
    const request = await created(requestExorLiveLink({ actor: athlete, athleteId: athlete.id, exorliveUserId: "999", nowMs: NOW }));
    await fetch(`${sandbox.url}/__sandbox/mode`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: "exorlive", mode: "unknown_user" }),
    });
    try {
      const result = await approveLinkRequest({ admin, requestId: request.id });
      assert.ok("error" in result);
      assert.match(result.error, /ExorLive does not know user ID 999.*The request stays open\.$/);
      assert.deepEqual(await mailsOf(request.id), []);
    } finally {
      await fetch(`${sandbox.url}/__sandbox/mode`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ service: "exorlive", mode: "normal" }),
      });
    }
    assert.equal((await requestRow(request.id)).status, "open");
  });

  it("decline needs a reason, which the athlete's card then shows; asking again replaces what the card shows", async () => {
    const athlete = await athleteOf(coach, "Dora Decline");
    const request = await created(requestExorLiveLink({ actor: coach, athleteId: athlete.id, exorliveUserId: "55", nowMs: NOW }));
    await assert.rejects(declineLinkRequest({ admin: coach, requestId: request.id, reason: "no" }), ForbiddenError);
    const blank = await declineLinkRequest({ admin, requestId: request.id, reason: "   " });
    assert.ok("error" in blank);
    assert.equal((await requestRow(request.id)).status, "open");
    const result = await declineLinkRequest({ admin, requestId: request.id, reason: "That ID belongs to another clinic.", nowMs: NOW + 9000 });
    assert.ok("ok" in result);
    const row = await requestRow(request.id);
    assert.equal(row.status, "declined");
    assert.equal(row.declineReason, "That ID belongs to another clinic.");
    assert.equal(row.decidedAt?.getTime(), NOW + 9000);
    const [mail] = await mailsOf(request.id);
    assert.equal(mail?.subject, "Your ExorLive request was declined");
    assert.match(mail?.textBody ?? "", /Their reason: That ID belongs to another clinic\./);
    const shown = await currentLinkRequest(athlete, athlete.id);
    assert.equal(shown?.status, "declined");
    assert.equal(shown?.declineReason, "That ID belongs to another clinic.");
    assert.deepEqual((await auditKinds(athlete)).at(-1), {
      kind: "exorlive_link_request_declined",
      actorId: admin.id,
      detail: "ExorLive user 55: That ID belongs to another clinic.",
    });
    // A declined request can be followed by a new one, which the card then shows.
    const next = await created(requestExorLiveLink({ actor: athlete, athleteId: athlete.id, exorliveUserId: "56", nowMs: NOW + 10_000 }));
    assert.equal((await currentLinkRequest(athlete, athlete.id))?.id, next.id);
    // Declining or cancelling a closed request changes nothing.
    assert.ok("error" in (await declineLinkRequest({ admin, requestId: request.id, reason: "again" })));
  });
});

describe("searchAthletes (the admin form's suggestions)", () => {
  it("finds active athletes by a part of their name or email, any case, at most 10, admins only", async () => {
    const admin = await makeUser("admin", "Admin Search");
    const coach = await makeUser("coach", "Zed Searchable Coach", "zed.coach@search.example");
    await makeUser("athlete", "Zed Searchable Athlete", "zed.athlete@search.example");
    await makeUser("athlete", "Zed Searchable Disabled", "zed.disabled@search.example", true);
    await makeUser("athlete", "Someone Else", "ZED.MAIL@search.example");
    const byName = await searchAthletes(admin, "searchable");
    assert.deepEqual(
      byName.map((a) => a.name),
      ["Zed Searchable Athlete"],
      "coaches and disabled athletes are not suggested",
    );
    assert.deepEqual(
      (await searchAthletes(admin, "zed.")).map((a) => a.email),
      ["ZED.MAIL@search.example", "zed.athlete@search.example"],
    );
    assert.deepEqual(await searchAthletes(admin, "   "), []);
    // LIKE wildcards are text, not patterns.
    assert.deepEqual(await searchAthletes(admin, "%"), []);
    for (let i = 0; i < 12; i++) await makeUser("athlete", `Many Match ${String(i).padStart(2, "0")}`, `many${i}@search.example`);
    const many = await searchAthletes(admin, "many match");
    assert.equal(many.length, 10);
    assert.equal(many[0]!.name, "Many Match 00");
    await assert.rejects(searchAthletes(coach, "zed"), ForbiddenError);
  });
});
