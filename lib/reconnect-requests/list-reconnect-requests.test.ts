import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { SessionUser } from "@/lib/auth/users";
import { ForbiddenError } from "@/lib/authz";
import { openReconnectDb, setConnection } from "@/tests/helpers/reconnect";
import { athleteOf, connect, makeUser, NOW } from "@/tests/helpers/roster";
import { getReconnectOverview, listOpenRequestsForRoster, listOpenRequestsOfAthlete } from "./list-reconnect-requests";
import { openReconnectRequest } from "./open-reconnect-request";
import { requestReconnect } from "./request-reconnect";
import { runReconnectRequestChecks } from "./run-reconnect-request-checks";

// Env first (mail on; three services configured, ExorLive not), then migrate; app modules read env on first use.

before(async () => {
  await openReconnectDb();
});

describe("what the pages show of reconnect requests", () => {
  let coach: SessionUser, otherCoach: SessionUser, admin: SessionUser, athlete: SessionUser, requestId: string;
  before(async () => {
    coach = await makeUser("coach", "Coach Vera");
    otherCoach = await makeUser("coach", "Coach Elsewhere");
    admin = await makeUser("admin", "Admin Arne");
    athlete = await athleteOf(coach, "Lena List");
    await connect(athlete, "trainerday", { state: "needs_reauth" });
    await connect(athlete, "enduco", { state: "needs_reauth" });
    await connect(athlete, "fitrankings");
    const result = await requestReconnect({ athleteId: athlete.id, service: "trainerday", actor: coach, nowMs: NOW });
    if ("error" in result) assert.fail(result.error);
    requestId = result.request.id;
  });

  it("the overview: progress of the open request, and Ask only where the athlete is needed and nothing is open", async () => {
    await openReconnectRequest({ requestId, viewer: athlete, nowMs: NOW + 1_000 });
    const overview = await getReconnectOverview(coach, athlete.id, NOW + 2_000);
    const by = new Map(overview.map((o) => [o.service, o]));
    const td = by.get("trainerday")!;
    assert.equal(td.status, "needs_reauth");
    assert.equal(td.canAsk, false, "a request is open");
    assert.equal(td.latest?.id, requestId);
    assert.equal(td.latest?.status, "opened");
    assert.equal(td.latest?.requestedByName, "Coach Vera");
    assert.equal(td.latest?.openedAt?.getTime(), NOW + 1_000);
    assert.deepEqual([by.get("enduco")?.canAsk, by.get("enduco")?.latest], [true, null]);
    assert.equal(by.get("fitrankings")?.canAsk, false, "working: nothing to ask");
    assert.equal(by.get("exorlive")?.mayAsk, false, "linked by an administrator");
    // An admin sees the same; an athlete may look at their own but never ask.
    assert.equal((await getReconnectOverview(admin, athlete.id, NOW)).find((o) => o.service === "enduco")?.canAsk, true);
    const own = await getReconnectOverview(athlete, athlete.id, NOW);
    assert.ok(own.every((o) => !o.mayAsk && !o.canAsk));
    await assert.rejects(getReconnectOverview(otherCoach, athlete.id, NOW), ForbiddenError);
  });

  it("the roster marker: only the coach's own athletes' open requests", async () => {
    const mine = await listOpenRequestsForRoster(coach, [athlete.id]);
    assert.deepEqual([...mine], [[`${athlete.id}:trainerday`, "opened"]]);
    assert.deepEqual([...(await listOpenRequestsForRoster(otherCoach, [athlete.id]))], []);
    await assert.rejects(listOpenRequestsForRoster(admin, [athlete.id]), ForbiddenError);
  });

  it("the athlete's card note: who asked and when, while open", async () => {
    const notes = await listOpenRequestsOfAthlete(athlete);
    assert.deepEqual([...notes.keys()], ["trainerday"]);
    assert.equal(notes.get("trainerday")?.askedBy, "Coach Vera");
    assert.equal(notes.get("trainerday")?.askedAt.getTime(), NOW);
    await setConnection(athlete, "trainerday", { state: "disconnected", accessToken: null });
    await runReconnectRequestChecks(NOW + 5_000);
    assert.equal((await listOpenRequestsOfAthlete(athlete)).size, 0);
    const after = (await getReconnectOverview(coach, athlete.id, NOW + 6_000)).find((o) => o.service === "trainerday");
    assert.equal(after?.latest?.status, "cancelled", "the latest request stays visible once closed");
  });
});
