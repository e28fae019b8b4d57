import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { SessionUser } from "@/lib/auth/users";
import { assign, connect, makeUser, NOW, nowSeconds, openRosterDb } from "@/tests/helpers/roster";
import { getAthleteForCoach } from "./athlete";

// Env first (openRosterDb: three services configured, ExorLive not), then migrate; app modules read env on first use.

before(async () => {
  await openRosterDb();
});

describe("athlete detail", () => {
  let coach: SessionUser;
  const refreshed = new Date(NOW - 3_600_000);
  before(async () => {
    coach = await makeUser("coach", "Coach Status");
  });

  it("athlete detail: status, scopes with descriptions, not granted, missing permissions, expiry, times", async () => {
    const other = await makeUser("athlete", "Scoped Athlete");
    await assign(coach, other);
    await connect(other, "trainerday", {
      scope: "athlete:read workout:read",
      requestedScope: "athlete:read calendar:read workout:read",
      lastRefreshedAt: refreshed,
      lastVerifiedAt: refreshed,
      expiresAt: nowSeconds + 7200,
    });
    await connect(other, "fitrankings", { expiresAt: null });
    const detail = await getAthleteForCoach(coach, other.id, NOW);
    assert.equal(detail.name, "Scoped Athlete");
    const td = detail.services.find((s) => s.service === "trainerday")!;
    // calendar:read is required (TRAINERDAY.requiredScopes) and was not granted.
    assert.equal(td.status, "missing_permissions");
    assert.deepEqual(td.missingPermissions, [{ id: "calendar:read", description: "See the workouts planned on your TrainerDay calendar" }]);
    assert.deepEqual(td.lastVerifiedAt, refreshed);
    assert.deepEqual(td.grantedScopes, [
      { id: "athlete:read", description: "See your TrainerDay athlete profile" },
      { id: "workout:read", description: "See your TrainerDay workouts" },
    ]);
    assert.deepEqual(
      td.missingScopes.map((s) => s.id),
      ["calendar:read"],
    );
    assert.equal(td.expiresAt, nowSeconds + 7200);
    assert.deepEqual(td.lastRefreshedAt, refreshed);
    assert.ok(td.linkedAt);
    const fr = detail.services.find((s) => s.service === "fitrankings")!;
    assert.equal(fr.status, "connected");
    assert.equal(fr.expiresAt, null);
    assert.deepEqual(fr.missingPermissions, []);
    assert.equal(fr.lastVerifiedAt, null);
    assert.deepEqual(fr.grantedScopes, []);
    const ex = detail.services.find((s) => s.service === "exorlive")!;
    assert.equal(ex.status, "not_configured");
    assert.equal(ex.linkedAt, null);
    assert.deepEqual(Object.keys(td).sort(), [
      "expiresAt",
      "grantedScopes",
      "lastRefreshedAt",
      "lastVerifiedAt",
      "linkedAt",
      "message",
      "missingPermissions",
      "missingScopes",
      "name",
      "service",
      "serviceAccount",
      "showExpiry",
      "status",
    ]);
  });
});
