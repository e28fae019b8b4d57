import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { setEmailPreference } from "@/lib/mail/preferences";
import { disableUser, eventsOf, openReconnectDb, outboxOf, requestRow, setConnection } from "@/tests/helpers/reconnect";
import { athleteOf, connect, makeUser, NOW } from "@/tests/helpers/roster";
import { openReconnectRequest } from "./open-reconnect-request";
import { requestReconnect } from "./request-reconnect";
import { REMINDER_AFTER_MS, runReconnectRequestChecks } from "./run-reconnect-request-checks";

// Env first (mail on; three services configured, ExorLive not), then migrate; app modules read env on first use.

before(async () => {
  await openReconnectDb();
});

const MINUTE = 60_000;
const kinds = async (athlete: SessionUser, service: ServiceId) => (await eventsOf(athlete, service)).map((e) => e.kind);

describe("reconnect requests over time", () => {
  let coach: SessionUser;
  before(async () => {
    coach = await makeUser("coach", "Coach Tess");
  });

  /** A new athlete of the coach whose `service` needs reconnecting, and the request sent for it at NOW. */
  async function requested(name: string, service: ServiceId = "trainerday", over: Parameters<typeof connect>[2] = { state: "needs_reauth" }) {
    const athlete = await athleteOf(coach, name);
    await connect(athlete, service, over);
    const result = await requestReconnect({ athleteId: athlete.id, service, actor: coach, nowMs: NOW });
    if ("error" in result) assert.fail(result.error);
    return { athlete, id: result.request.id };
  }

  it("nothing open: a pass does nothing", async () => {
    assert.deepEqual(await runReconnectRequestChecks(NOW), { reconnected: 0, verified: 0, reminded: 0, cancelled: 0 });
  });

  it("goes sent → opened → reconnected → verified, each with its event, and closes by itself", async () => {
    const { athlete, id } = await requested("Pia Path");

    // Only the athlete themself opens it, and only once.
    const stranger = await athleteOf(coach, "Sam Stranger");
    assert.equal(await openReconnectRequest({ requestId: id, viewer: stranger, nowMs: NOW + MINUTE }), false);
    assert.equal(await openReconnectRequest({ requestId: id, viewer: coach, nowMs: NOW + MINUTE }), false);
    assert.equal(await openReconnectRequest({ requestId: "not-a-request", viewer: athlete, nowMs: NOW + MINUTE }), false);
    assert.equal(await openReconnectRequest({ requestId: id, viewer: athlete, nowMs: NOW + MINUTE }), true);
    assert.equal(await openReconnectRequest({ requestId: id, viewer: athlete, nowMs: NOW + 2 * MINUTE }), false);
    let row = await requestRow(id);
    assert.equal(row.status, "opened");
    assert.equal(row.openedAt?.getTime(), NOW + MINUTE);

    // Still broken: nothing moves.
    await runReconnectRequestChecks(NOW + 5 * MINUTE);
    assert.equal((await requestRow(id)).status, "opened");

    // The athlete links again (linking sets linked_at and last_verified_at to the same moment).
    const linkedAt = new Date(NOW + 10 * MINUTE);
    await setConnection(athlete, "trainerday", { state: "connected", linkedAt, lastVerifiedAt: linkedAt });
    const reconnecting = await runReconnectRequestChecks(NOW + 11 * MINUTE);
    assert.equal(reconnecting.reconnected, 1);
    assert.equal(reconnecting.verified, 0, "the link itself is not the first successful refresh");
    row = await requestRow(id);
    assert.equal(row.status, "reconnected");
    assert.equal(row.reconnectedAt?.getTime(), linkedAt.getTime());
    assert.equal(row.closedAt, null);

    // The first successful refresh after the reconnect closes it.
    const verifiedAt = new Date(NOW + 70 * MINUTE);
    await setConnection(athlete, "trainerday", { lastVerifiedAt: verifiedAt, lastRefreshedAt: verifiedAt });
    assert.equal((await runReconnectRequestChecks(NOW + 71 * MINUTE)).verified, 1);
    row = await requestRow(id);
    assert.equal(row.status, "verified");
    assert.equal(row.closedAt?.getTime(), verifiedAt.getTime());

    assert.deepEqual(await kinds(athlete, "trainerday"), [
      "reconnect_requested",
      "reconnect_request_opened",
      "reconnect_request_reconnected",
      "reconnect_request_verified",
    ]);
    const events = await eventsOf(athlete, "trainerday");
    assert.equal(events[1]?.actorId, athlete.id);
    assert.equal(events[2]?.actorId, null);

    // Closed: nothing more happens, and a new request may be sent once the connection needs the athlete again.
    assert.deepEqual(await runReconnectRequestChecks(NOW + 10 * REMINDER_AFTER_MS), { reconnected: 0, verified: 0, reminded: 0, cancelled: 0 });
    await setConnection(athlete, "trainerday", { state: "needs_reauth" });
    const again = await requestReconnect({ athleteId: athlete.id, service: "trainerday", actor: coach, nowMs: NOW + 2 * REMINDER_AFTER_MS });
    assert.ok("request" in again);
  });

  it("reconnected and verified in one pass when both already happened", async () => {
    const { athlete, id } = await requested("Quick Quentin");
    await setConnection(athlete, "trainerday", { state: "connected", linkedAt: new Date(NOW + MINUTE), lastVerifiedAt: new Date(NOW + 2 * MINUTE) });
    assert.deepEqual(await runReconnectRequestChecks(NOW + 3 * MINUTE), { reconnected: 1, verified: 1, reminded: 0, cancelled: 0 });
    assert.equal((await requestRow(id)).status, "verified");
  });

  it("sends one reminder after 3 days, exactly once", async () => {
    const { athlete, id } = await requested("Rémi Reminded");
    assert.equal((await runReconnectRequestChecks(NOW + REMINDER_AFTER_MS)).reminded, 0, "not before 3 days have passed");
    assert.equal((await requestRow(id)).remindedAt, null);
    const at = NOW + REMINDER_AFTER_MS + 1;
    assert.equal((await runReconnectRequestChecks(at)).reminded, 1);
    assert.equal((await runReconnectRequestChecks(at + MINUTE)).reminded, 0);
    assert.equal((await runReconnectRequestChecks(at + REMINDER_AFTER_MS)).reminded, 0);
    const row = await requestRow(id);
    assert.equal(row.remindedAt?.getTime(), at);
    assert.equal(row.status, "sent");

    const mails = await outboxOf(id);
    assert.deepEqual(
      mails.map((m) => [m.dedupeKey, m.subject, m.toAddress]),
      [
        [`reconnect:${id}:reminder`, "Reminder: please reconnect TrainerDay", athlete.email],
        [`reconnect:${id}:sent`, "Please reconnect TrainerDay", athlete.email],
      ],
    );
    assert.match(
      mails[0]!.textBody,
      /Coach Tess, your coach, asked you on \d{1,2} \w{3} \d{4} to reconnect TrainerDay in TrainLink, and it still needs you/,
    );
    assert.ok(mails[0]!.textBody.includes(`http://localhost:3000/connections?request=${id}#trainerday`));
    assert.equal((await kinds(athlete, "trainerday")).filter((k) => k === "reconnect_request_reminded").length, 1);
  });

  it("the reminder respects the athlete's choice: reminded, no mail", async () => {
    const { athlete, id } = await requested("Una Unsubscribed");
    await setEmailPreference(athlete.id, "reconnect_requests", false);
    assert.equal((await runReconnectRequestChecks(NOW + REMINDER_AFTER_MS + MINUTE)).reminded, 1);
    assert.deepEqual(
      (await outboxOf(id)).map((m) => m.dedupeKey),
      [`reconnect:${id}:sent`],
    );
    const last = (await eventsOf(athlete, "trainerday")).at(-1);
    assert.equal(last?.kind, "reconnect_request_reminded");
    assert.match(last?.detail ?? "", /no email: the athlete turned these emails off/);
  });

  it("cancels when the athlete disconnects, or is disabled", async () => {
    const { athlete, id } = await requested("Dora Disconnects");
    await setConnection(athlete, "trainerday", { state: "disconnected", accessToken: null, refreshToken: null });
    assert.equal((await runReconnectRequestChecks(NOW + MINUTE)).cancelled, 1);
    const row = await requestRow(id);
    assert.equal(row.status, "cancelled");
    assert.equal(row.closedAt?.getTime(), NOW + MINUTE);
    const last = (await eventsOf(athlete, "trainerday")).at(-1);
    assert.deepEqual([last?.kind, last?.detail], ["reconnect_request_cancelled", "TrainerDay was disconnected"]);
    // Cancelled is closed: no reminder later.
    assert.equal((await runReconnectRequestChecks(NOW + 2 * REMINDER_AFTER_MS)).reminded, 0);

    const other = await requested("Edda Eventually Disabled", "enduco");
    await disableUser(other.athlete, new Date(NOW));
    assert.equal((await runReconnectRequestChecks(NOW + MINUTE)).cancelled, 1);
    assert.equal((await requestRow(other.id)).status, "cancelled");
  });

  it("closes a request whose connection works again without a reconnect (a transient failure recovered)", async () => {
    const { athlete, id } = await requested("Fay Flaky", "fitrankings", { failureCount: 4, lastError: "503" });
    assert.equal((await runReconnectRequestChecks(NOW + MINUTE)).verified, 0);
    await setConnection(athlete, "fitrankings", { failureCount: 0, lastError: null, lastVerifiedAt: new Date(NOW + 2 * MINUTE) });
    assert.equal((await runReconnectRequestChecks(NOW + 3 * MINUTE)).verified, 1);
    const row = await requestRow(id);
    assert.equal(row.status, "verified");
    assert.ok(row.closedAt);
    assert.equal(row.reconnectedAt, null);
    assert.match((await eventsOf(athlete, "fitrankings")).at(-1)?.detail ?? "", /works again without a reconnect/);
  });

  it("two checkers at once apply each transition once", async () => {
    const a = await requested("Twin One");
    const b = await requested("Twin Two");
    await setConnection(a.athlete, "trainerday", { state: "connected", linkedAt: new Date(NOW + MINUTE) });
    const at = NOW + REMINDER_AFTER_MS + MINUTE;
    const passes = await Promise.all([runReconnectRequestChecks(at), runReconnectRequestChecks(at), runReconnectRequestChecks(at)]);
    assert.equal(
      passes.reduce((n, p) => n + p.reconnected, 0),
      1,
    );
    assert.equal(
      passes.reduce((n, p) => n + p.reminded, 0),
      1,
    );
    assert.equal((await kinds(a.athlete, "trainerday")).filter((k) => k === "reconnect_request_reconnected").length, 1);
    assert.equal((await kinds(b.athlete, "trainerday")).filter((k) => k === "reconnect_request_reminded").length, 1);
    assert.equal((await outboxOf(b.id)).length, 2);
  });

  it("walks every open request in bounded batches", async () => {
    const many = [];
    for (let i = 0; i < 7; i += 1) many.push(await requested(`Batch ${i}`));
    for (const { athlete } of many) await setConnection(athlete, "trainerday", { state: "disconnected", accessToken: null });
    // One athlete with three open requests: the keyset walks within an athlete too.
    const multi = await requested("Multi Services", "trainerday");
    const ids = [multi.id];
    for (const service of ["enduco", "fitrankings"] as const) {
      await connect(multi.athlete, service, { state: "needs_reauth" });
      const r = await requestReconnect({ athleteId: multi.athlete.id, service, actor: coach, nowMs: NOW });
      if ("error" in r) assert.fail(r.error);
      ids.push(r.request.id);
    }
    for (const service of ["trainerday", "enduco", "fitrankings"] as const) await setConnection(multi.athlete, service, { state: "disconnected" });
    const pass = await runReconnectRequestChecks(NOW + MINUTE, { batch: 2 });
    assert.equal(pass.cancelled, 10);
    for (const id of [...many.map((m) => m.id), ...ids]) assert.equal((await requestRow(id)).status, "cancelled");
  });
});
