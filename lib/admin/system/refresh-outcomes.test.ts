import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { lastRefreshErrors } from "@/lib/admin/system/last-errors";
import { medianRefreshLatency } from "@/lib/admin/system/refresh-latency";
import { outcomeWindowStart, refreshOutcomesByHour } from "@/lib/admin/system/refresh-outcomes";
import { HOUR_MS } from "@/lib/admin/system/sql";
import { eventAt } from "@/lib/admin/system/test-events";
import { makeUser, openRosterDb } from "@/tests/helpers/roster";

// Fixed clocks, days apart so each test reads only its own events: 12:30 UTC on given days of 2026.
const clock = (day: number) => Date.UTC(2026, 0, day, 12, 30);
const TRANSIENT = "transient (server_error): TrainerDay answered 503; tokens kept; next attempt after 2026-01-01T00:00:00.000Z";
const SERVICE_LEVEL = "service-level (invalid_client): client authentication failed; TrainLink's client credentials were refused";

before(async () => {
  await openRosterDb();
});

describe("refreshOutcomesByHour", () => {
  it("buckets by whole UTC hour, the current one last, boundaries in the later hour", async () => {
    const now = clock(2);
    const start = outcomeWindowStart(now);
    assert.equal(start.toISOString(), "2026-01-01T13:00:00.000Z");
    const athlete = await makeUser("athlete");
    await eventAt(athlete, "trainerday", "refreshed", start.getTime() - 1); // before the window
    await eventAt(athlete, "trainerday", "refreshed", start.getTime()); // first hour
    await eventAt(athlete, "trainerday", "refreshed", start.getTime() + HOUR_MS - 1); // first hour, last millisecond
    await eventAt(athlete, "trainerday", "refreshed", start.getTime() + HOUR_MS); // second hour
    await eventAt(athlete, "trainerday", "refreshed", Date.UTC(2026, 0, 2, 12, 0)); // current hour
    await eventAt(athlete, "trainerday", "refreshed", now + 1); // after now: left out
    const hours = (await refreshOutcomesByHour(now)).trainerday;
    assert.equal(hours.length, 24);
    assert.equal(hours[0]!.startsAt.toISOString(), "2026-01-01T13:00:00.000Z");
    assert.equal(hours[23]!.startsAt.toISOString(), "2026-01-02T12:00:00.000Z");
    assert.deepEqual(
      hours.map((h) => h.counts.success),
      [2, 1, ...Array(21).fill(0), 1],
    );
  });

  it("classifies each kind by whose problem it was, and counts a refused grant once", async () => {
    const now = clock(5);
    const athlete = await makeUser("athlete");
    const at = now - 10 * 60_000; // the current hour
    await eventAt(athlete, "enduco", "refreshed", at);
    await eventAt(athlete, "enduco", "refreshed", at);
    await eventAt(athlete, "enduco", "refresh_failed", at, { detail: TRANSIENT });
    await eventAt(athlete, "enduco", "refresh_failed", at, { detail: SERVICE_LEVEL });
    await eventAt(athlete, "enduco", "refresh_failed", at, { detail: "refused: invalid_grant" });
    await eventAt(athlete, "enduco", "needs_reauth", at, { detail: "the athlete must reconnect" });
    await eventAt(athlete, "enduco", "linked", at);
    await eventAt(athlete, "fitrankings", "refresh_failed", at, { detail: TRANSIENT });
    const outcomes = await refreshOutcomesByHour(now);
    assert.deepEqual(outcomes.enduco[23]!.counts, { success: 2, service_failure: 1, credentials_refused: 1, reconnect: 1 });
    assert.deepEqual(outcomes.fitrankings[23]!.counts, { success: 0, service_failure: 1, credentials_refused: 0, reconnect: 0 });
    assert.ok(
      outcomes.exorlive.every((h) => Object.values(h.counts).every((n) => n === 0)),
      "a service without events has 24 empty hours",
    );
  });
});

describe("medianRefreshLatency", () => {
  it("is the middle latency of each service's timed refreshes over 24 hours (mean of the two middle ones for an even count)", async () => {
    const now = clock(8);
    const athlete = await makeUser("athlete");
    for (const ms of [40, 10, 30, 20, 1000]) await eventAt(athlete, "trainerday", "refreshed", now - HOUR_MS, { latencyMs: ms });
    for (const ms of [100, 300]) await eventAt(athlete, "enduco", "refresh_failed", now - HOUR_MS, { latencyMs: ms, detail: TRANSIENT });
    await eventAt(athlete, "enduco", "refreshed", now - HOUR_MS); // not timed: left out
    await eventAt(athlete, "enduco", "linked", now - HOUR_MS, { latencyMs: 5 }); // not a refresh
    await eventAt(athlete, "fitrankings", "refreshed", now - 25 * HOUR_MS, { latencyMs: 7 }); // older than 24 h
    assert.deepEqual(await medianRefreshLatency(now), {
      trainerday: { medianMs: 30, samples: 5 },
      enduco: { medianMs: 200, samples: 2 },
    });
  });
});

describe("lastRefreshErrors", () => {
  it("gives each service's latest failure in the last 24 hours, in words", async () => {
    const now = clock(11);
    const athlete = await makeUser("athlete");
    await eventAt(athlete, "trainerday", "refresh_failed", now - 3 * HOUR_MS, { detail: SERVICE_LEVEL });
    await eventAt(athlete, "trainerday", "refresh_failed", now - 2 * HOUR_MS, { detail: TRANSIENT });
    await eventAt(athlete, "trainerday", "refreshed", now - HOUR_MS);
    await eventAt(athlete, "enduco", "refresh_failed", now - 60_000, { detail: "refused: invalid_grant: token revoked" });
    await eventAt(athlete, "fitrankings", "refresh_failed", now - 25 * HOUR_MS, { detail: TRANSIENT });
    const errors = await lastRefreshErrors(now);
    assert.deepEqual(Object.keys(errors).sort(), ["enduco", "trainerday"]);
    assert.equal(errors.trainerday!.at.getTime(), now - 2 * HOUR_MS);
    assert.equal(errors.trainerday!.outcome, "service_failure");
    assert.match(errors.trainerday!.words, /^TrainerDay answered 503; tokens kept/);
    assert.equal(errors.enduco!.outcome, "reconnect");
    assert.equal(errors.enduco!.words, "invalid_grant: token revoked; the athlete must reconnect");
  });
});
