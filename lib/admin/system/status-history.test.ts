import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { DAY_MS } from "@/lib/admin/system/sql";
import { connectionStatusHistory, historyWindowStart, type HistoryStatus } from "@/lib/admin/system/status-history";
import { eventAt } from "@/lib/admin/system/test-events";
import { connect, makeUser, openRosterDb } from "@/tests/helpers/roster";

const NOW = Date.UTC(2026, 2, 15, 12, 0); // 15 March 2026, 12:00 UTC: day 29 of the window
const START = historyWindowStart(NOW).getTime();
const day = (d: number, hour = 12) => START + d * DAY_MS + hour * 3_600_000;
const TRANSIENT = "transient (timeout): no answer in 10000 ms; tokens kept; next attempt after 2026-01-01T00:00:00.000Z";

before(async () => {
  await openRosterDb();
});

/** A connection's status on each of the 30 days, from [first day, status] changes (before the first: none). */
function timeline(changes: [number, HistoryStatus | null][]): (HistoryStatus | null)[] {
  return Array.from({ length: 30 }, (_, d) => changes.filter(([from]) => from <= d).at(-1)?.[1] ?? null);
}

describe("connectionStatusHistory", () => {
  it("reconstructs each day's status from today's rows and the events of the last 30 days", async () => {
    assert.equal(new Date(START).toISOString(), "2026-02-14T00:00:00.000Z");
    const expected: (HistoryStatus | null)[][] = [];

    // Linked 10 days ago, needs reconnecting 5 days ago, reconnected 2 days ago (the event at midnight exactly).
    const a = await makeUser("athlete");
    await connect(a, "trainerday");
    await eventAt(a, "trainerday", "linked", day(19));
    await eventAt(a, "trainerday", "refresh_failed", day(24), { detail: "refused: invalid_grant" });
    await eventAt(a, "trainerday", "needs_reauth", day(24));
    await eventAt(a, "trainerday", "linked", day(27, 0));
    expected.push(
      timeline([
        [19, "connected"],
        [24, "needs_reauth"],
        [27, "connected"],
      ]),
    );

    // Linked long before the window, nothing since: connected every day (today's row).
    const b = await makeUser("athlete");
    await connect(b, "enduco");
    await eventAt(b, "enduco", "linked", START - 100 * DAY_MS);
    await eventAt(b, "enduco", "refreshed", day(5), { detail: "new access token …" }); // routine: changes nothing
    expected.push(timeline([[0, "connected"]]));

    // Needs reconnecting since before the window: so every day.
    const c = await makeUser("athlete");
    await connect(c, "enduco", { state: "needs_reauth" });
    await eventAt(c, "enduco", "needs_reauth", START - 40 * DAY_MS);
    expected.push(timeline([[0, "needs_reauth"]]));

    // Failing for two days, recovered, then disconnected: not counted from then on.
    const d = await makeUser("athlete");
    await connect(d, "trainerday", { state: "disconnected", accessToken: null, refreshToken: null });
    await eventAt(d, "trainerday", "linked", START - 40 * DAY_MS);
    await eventAt(d, "trainerday", "refresh_failed", day(10), { detail: TRANSIENT });
    await eventAt(d, "trainerday", "refresh_failed", day(11), { detail: TRANSIENT });
    await eventAt(d, "trainerday", "refreshed", day(12), {
      detail: "new access token …; refresh token rotated; recovered after 2 failed attempt(s)",
    });
    await eventAt(d, "trainerday", "refreshed", day(14), { detail: "new access token …; refresh token rotated" }); // routine
    await eventAt(d, "trainerday", "disconnected", day(20));
    expected.push(
      timeline([
        [0, "connected"],
        [10, "refresh_failing"],
        [12, "connected"],
        [20, null],
      ]),
    );

    // Needed reconnecting since before the window (the last event before it says so), reconnected 2 days ago.
    const e = await makeUser("athlete");
    await connect(e, "fitrankings");
    await eventAt(e, "fitrankings", "needs_reauth", START - 40 * DAY_MS);
    await eventAt(e, "fitrankings", "linked", day(27));
    expected.push(
      timeline([
        [0, "needs_reauth"],
        [27, "connected"],
      ]),
    );

    // TrainLink's own credentials refused once: no connection changes; later revoked by the service, then a disconnect pending elsewhere.
    const f = await makeUser("athlete");
    await connect(f, "enduco", { state: "revoked_by_service", accessToken: null, refreshToken: null });
    await eventAt(f, "enduco", "linked", START - 40 * DAY_MS);
    await eventAt(f, "enduco", "refresh_failed", day(15), { detail: "service-level (invalid_client): refused" });
    await eventAt(f, "enduco", "deregistered_by_service", day(29, 1));
    expected.push(
      timeline([
        [0, "connected"],
        [29, "revoked_by_service"],
      ]),
    );
    await connect(f, "trainerday", { state: "revocation_pending" });
    await eventAt(f, "trainerday", "revocation_pending", day(3));
    await eventAt(f, "trainerday", "revocation_failed", day(4));
    await eventAt(f, "trainerday", "linked", NOW + 60_000); // after now: left out
    expected.push(timeline([[3, "revocation_pending"]]));

    const history = await connectionStatusHistory(NOW);
    assert.equal(history.length, 30);
    assert.equal(history[29]!.day.toISOString(), "2026-03-15T00:00:00.000Z");
    for (const [i, { counts }] of history.entries()) {
      const want = { connected: 0, refresh_failing: 0, needs_reauth: 0, revocation_pending: 0, revoked_by_service: 0 };
      for (const line of expected) if (line[i]) want[line[i]] += 1;
      assert.deepEqual(counts, want, `day ${i}`);
    }
  });
});
