import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ForbiddenError } from "@/lib/authz";
import { systemOverview } from "@/lib/admin/system/overview";
import { describeBacklog, roughDuration } from "@/lib/admin/system/refresher";
import { eventAt } from "@/lib/admin/system/test-events";
import { connect, makeUser, NOW, nowSeconds, openRosterDb } from "@/tests/helpers/roster";

before(async () => {
  await openRosterDb(); // TrainerDay, enduco and FitRankings configured; ExorLive not
});

describe("systemOverview", () => {
  it("is for admins only", async () => {
    for (const role of ["athlete", "coach"] as const) {
      await assert.rejects(systemOverview(await makeUser(role), NOW), ForbiddenError);
    }
    await assert.rejects(systemOverview(null, NOW), ForbiddenError);
  });

  it("has every registry service, says which are not configured, and gathers the backlog and 30 days", async () => {
    const athlete = await makeUser("athlete");
    await connect(athlete, "trainerday", { expiresAt: nowSeconds - 60 }); // due for 360 s
    await eventAt(athlete, "trainerday", "refreshed", NOW - 60_000, { latencyMs: 120 });
    const overview = await systemOverview(await makeUser("admin"), NOW);
    assert.deepEqual(
      overview.services.map((s) => [s.id, s.configured]),
      [
        ["trainerday", true],
        ["enduco", true],
        ["fitrankings", true],
        ["exorlive", false],
      ],
    );
    const trainerday = overview.services[0]!;
    assert.equal(trainerday.hours.at(-1)!.counts.success, 1);
    assert.deepEqual(trainerday.latency, { medianMs: 120, samples: 1 });
    assert.equal(trainerday.lastError, null);
    assert.equal(trainerday.credentialsRejected, null);
    assert.deepEqual(overview.backlog, { due: 1, lagSeconds: 360 });
    const history = await overview.history;
    assert.equal(history.length, 30);
    assert.equal(history.at(-1)!.counts.connected, 1);
  });
});

describe("describeBacklog", () => {
  it("says up to date, or how many are due and how long the oldest has waited", () => {
    assert.equal(describeBacklog({ due: 0, lagSeconds: 0 }), "Up to date");
    assert.equal(describeBacklog({ due: 12, lagSeconds: 240 }), "12 connections due; the oldest has waited 4 minutes");
    assert.equal(describeBacklog({ due: 1, lagSeconds: 1 }), "1 connection due; it has waited 1 second");
    assert.equal(describeBacklog({ due: 12_345, lagSeconds: 7200 }), "12,345 connections due; the oldest has waited 2 hours");
    assert.equal(roughDuration(89), "89 seconds");
    assert.equal(roughDuration(3 * 86_400), "3 days");
  });
});
