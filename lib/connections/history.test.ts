import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { eventAt } from "@/lib/admin/system/test-events";
import { listConnectionHistory } from "@/lib/connections/history";
import { assign, makeUser, NOW, openRosterDb } from "@/tests/helpers/roster";

before(async () => {
  await openRosterDb();
});

describe("listConnectionHistory", () => {
  it("gives the protocol detail to admins only: the athlete and their coach read the labels", async () => {
    const athlete = await makeUser("athlete");
    const coach = await makeUser("coach");
    await assign(coach, athlete);
    const detail = "refused: TrainerDay refused the request (HTTP 400, invalid_grant)";
    await eventAt(athlete, "trainerday", "refresh_failed", NOW - 1_000, { detail });

    for (const viewer of [athlete, coach]) {
      const [entry] = await listConnectionHistory(viewer, athlete.id, "trainerday");
      assert.equal(entry?.label, "Refresh failed");
      assert.equal(entry?.detail, null, viewer.role);
    }
    const [entry] = await listConnectionHistory(await makeUser("admin"), athlete.id, "trainerday");
    assert.equal(entry?.detail, detail);
  });
});
