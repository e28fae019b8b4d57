import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { refreshBacklog } from "@/lib/connections/backlog";
import { connect, makeUser, NOW, nowSeconds, openRosterDb } from "@/tests/helpers/roster";

before(async () => {
  await openRosterDb(); // REFRESH_MARGIN_SECONDS = 300
});

describe("refreshBacklog", () => {
  it("is empty with no due connection", async () => {
    const athlete = await makeUser("athlete");
    await connect(athlete, "trainerday"); // expires in an hour: not due
    assert.deepEqual(await refreshBacklog(NOW), { due: 0, lagSeconds: 0 });
  });

  it("counts due connections (leased or not) and measures the oldest's wait in seconds", async () => {
    const athlete = await makeUser("athlete");
    await connect(athlete, "trainerday", { expiresAt: nowSeconds + 100 }); // due 200 s ago
    await connect(athlete, "enduco", { expiresAt: nowSeconds - 600, refreshLeaseOwner: "x", refreshLeaseUntil: new Date(NOW + 60_000) }); // due 900 s ago
    await connect(athlete, "fitrankings", { expiresAt: nowSeconds - 5000, refreshToken: null }); // no refresh token: never due
    const other = await makeUser("athlete");
    await connect(other, "trainerday", { expiresAt: nowSeconds - 7000, state: "needs_reauth" }); // not connected
    await connect(other, "enduco", { expiresAt: nowSeconds - 8000, nextAttemptAt: new Date(NOW + 60_000) }); // backing off
    assert.deepEqual(await refreshBacklog(NOW), { due: 2, lagSeconds: 900 });
  });
});
