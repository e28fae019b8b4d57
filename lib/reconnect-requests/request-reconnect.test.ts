import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { SessionUser } from "@/lib/auth/users";
import { ForbiddenError } from "@/lib/authz";
import { setEmailPreference } from "@/lib/mail/preferences";
import { eventsOf, openReconnectDb, outboxOf } from "@/tests/helpers/reconnect";
import { assign, athleteOf, connect, makeUser, NOW } from "@/tests/helpers/roster";
import { requestReconnect } from "./request-reconnect";

// Env first (mail on; three services configured, ExorLive not), then migrate; app modules read env on first use.

before(async () => {
  await openReconnectDb();
});

/** The request created by `promise`, failing the test on a refusal. */
async function created(promise: ReturnType<typeof requestReconnect>) {
  const result = await promise;
  if ("error" in result) assert.fail(`refused: ${result.error}`);
  return result;
}

describe("requestReconnect", () => {
  let coach: SessionUser, otherCoach: SessionUser, admin: SessionUser;
  before(async () => {
    coach = await makeUser("coach", "Coach Reka");
    otherCoach = await makeUser("coach", "Coach Other");
    admin = await makeUser("admin", "Admin Ada");
  });

  it("a coach cannot ask another coach's athlete; an athlete cannot ask at all", async () => {
    const theirs = await athleteOf(otherCoach, "Their Athlete");
    await connect(theirs, "trainerday", { state: "needs_reauth" });
    await assert.rejects(requestReconnect({ athleteId: theirs.id, service: "trainerday", actor: coach, nowMs: NOW }), ForbiddenError);
    await assert.rejects(requestReconnect({ athleteId: theirs.id, service: "trainerday", actor: theirs, nowMs: NOW }), ForbiddenError);
    const mine = await athleteOf(coach, "Mine Too");
    await assign(otherCoach, mine);
    await assert.rejects(requestReconnect({ athleteId: theirs.id, service: "trainerday", actor: mine, nowMs: NOW }), ForbiddenError);
    // A coach on a roster is not an athlete.
    const notAthlete = await makeUser("coach", "Coach On Roster");
    await assign(coach, notAthlete);
    await assert.rejects(requestReconnect({ athleteId: notAthlete.id, service: "trainerday", actor: coach, nowMs: NOW }), ForbiddenError);
    assert.deepEqual(await eventsOf(theirs, "trainerday"), []);
  });

  it("an admin may ask any athlete", async () => {
    const athlete = await athleteOf(otherCoach, "Admin Asked");
    await connect(athlete, "enduco", { state: "revoked_by_service", accessToken: null, refreshToken: null });
    const { request, mail } = await created(requestReconnect({ athleteId: athlete.id, service: "enduco", actor: admin, nowMs: NOW }));
    assert.equal(request.requestedBy, admin.id);
    assert.equal(mail, "queued");
    const [row] = await outboxOf(request.id);
    assert.match(row!.textBody, /Admin Ada, a TrainLink administrator, asked you to reconnect enduco/);
    assert.match(row!.textBody, /Access to your account was cancelled at enduco/);
  });

  it("sends: the request, its event and the mail, with no token in the mail", async () => {
    const athlete = await athleteOf(coach, "Nora Needs");
    await connect(athlete, "trainerday", { state: "needs_reauth" });
    const { request, mail } = await created(requestReconnect({ athleteId: athlete.id, service: "trainerday", actor: coach, nowMs: NOW }));
    assert.equal(request.status, "sent");
    assert.equal(request.createdAt.getTime(), NOW);
    assert.equal(request.closedAt, null);
    assert.equal(mail, "queued");

    const events = await eventsOf(athlete, "trainerday");
    assert.deepEqual(events, [{ kind: "reconnect_requested", actorId: coach.id, detail: "asked by Coach Reka" }]);

    const rows = await outboxOf(request.id);
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.equal(row.dedupeKey, `reconnect:${request.id}:sent`);
    assert.equal(row.subject, "Please reconnect TrainerDay");
    assert.equal(row.toAddress, athlete.email);
    assert.equal(row.recipientId, athlete.id);
    assert.match(row.unsubscribeUrl ?? "", /^http:\/\/localhost:3000\/api\/unsubscribe\?token=/);
    const link = `http://localhost:3000/connections?request=${request.id}#trainerday`;
    for (const body of [row.textBody, row.htmlBody]) {
      assert.ok(body.includes(link), "the button links to the service's card with the request id");
      assert.match(body, /Coach Reka, your coach, asked you to reconnect TrainerDay/);
      assert.match(body, /no longer accepts TrainLink(&#39;|')s access/);
      assert.match(body, /asked you to reconnect a service/, "the footer says why");
      assert.match(body, /Unsubscribe/);
      // Only the unsubscribe link carries a (signed, single-purpose) token; nothing else looks like one.
      const rest = body.replace(/https?:\/\/[^\s"<]*unsubscribe\?token=[^\s"<]*/g, "");
      assert.doesNotMatch(rest, /token=|v1\.k\.|[A-Za-z0-9_]{24,}/);
    }
  });

  it("one open request per athlete and service: the second answers when it was asked", async () => {
    const athlete = await athleteOf(coach, "Olga Once");
    await connect(athlete, "trainerday", { state: "needs_reauth" });
    await connect(athlete, "fitrankings", { failureCount: 2 });
    await created(requestReconnect({ athleteId: athlete.id, service: "trainerday", actor: coach, nowMs: NOW }));
    const again = await requestReconnect({ athleteId: athlete.id, service: "trainerday", actor: admin, nowMs: NOW + 60_000 });
    assert.ok("error" in again);
    assert.equal(again.reason, "already_open");
    assert.match(again.error, /^Already requested on \d{1,2} \w{3} \d{4} by Coach Reka/);
    // Another service of the same athlete is its own request.
    await created(requestReconnect({ athleteId: athlete.id, service: "fitrankings", actor: coach, nowMs: NOW }));
    assert.equal((await eventsOf(athlete, "trainerday")).length, 1);
  });

  it("two requests at once: one is sent, the other told it was already requested", async () => {
    const athlete = await athleteOf(coach, "Rita Race");
    await connect(athlete, "enduco", { state: "needs_reauth" });
    const results = await Promise.all([
      requestReconnect({ athleteId: athlete.id, service: "enduco", actor: coach, nowMs: NOW }),
      requestReconnect({ athleteId: athlete.id, service: "enduco", actor: admin, nowMs: NOW }),
    ]);
    assert.equal(results.filter((r) => "request" in r).length, 1);
    assert.equal(results.filter((r) => "error" in r && r.reason === "already_open").length, 1);
    assert.equal((await eventsOf(athlete, "enduco")).length, 1);
  });

  it("refuses, saying why: nothing to reconnect, a working connection, ExorLive, a disabled athlete", async () => {
    const athlete = await athleteOf(coach, "Walter Works");
    const none = await requestReconnect({ athleteId: athlete.id, service: "trainerday", actor: coach, nowMs: NOW });
    assert.ok("error" in none && none.reason === "no_connection");
    assert.match(none.error, /has no TrainerDay connection, so there is nothing to reconnect/);

    await connect(athlete, "enduco");
    const working = await requestReconnect({ athleteId: athlete.id, service: "enduco", actor: coach, nowMs: NOW });
    assert.ok("error" in working && working.reason === "not_needed");
    assert.match(working.error, /"Connected".*only for a connection that needs the athlete \(.*needs reconnect.*\)/);

    await connect(athlete, "fitrankings", { state: "disconnected", accessToken: null });
    const gone = await requestReconnect({ athleteId: athlete.id, service: "fitrankings", actor: coach, nowMs: NOW });
    assert.ok("error" in gone && gone.reason === "no_connection");

    await connect(athlete, "exorlive", { state: "needs_reauth" });
    const exor = await requestReconnect({ athleteId: athlete.id, service: "exorlive", actor: admin, nowMs: NOW });
    assert.ok("error" in exor && exor.reason === "linked_by_admin");

    const disabled = await makeUser("athlete", "Dina Disabled", undefined, true);
    await assign(coach, disabled);
    await connect(disabled, "trainerday", { state: "needs_reauth" });
    const off = await requestReconnect({ athleteId: disabled.id, service: "trainerday", actor: coach, nowMs: NOW });
    assert.ok("error" in off && off.reason === "athlete_disabled");
    assert.deepEqual(await eventsOf(athlete, "enduco"), []);
  });

  it("a refresh failing counts; an athlete who turned these mails off gets the request without a mail", async () => {
    const athlete = await athleteOf(coach, "Quinn Quiet");
    await connect(athlete, "trainerday", { failureCount: 3, lastError: "timeout" });
    await setEmailPreference(athlete.id, "reconnect_requests", false);
    const { request, mail } = await created(requestReconnect({ athleteId: athlete.id, service: "trainerday", actor: coach, nowMs: NOW }));
    assert.equal(mail, "opted_out");
    assert.deepEqual(await outboxOf(request.id), []);
    assert.equal((await eventsOf(athlete, "trainerday"))[0]?.kind, "reconnect_requested");
  });
});
