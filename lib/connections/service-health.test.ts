import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getFreshAccessToken } from "@/lib/connections/refresh";
import { runRefresherOnce } from "@/lib/connections/refresher";
import { openToken } from "@/lib/connections/sealing";
import { credentialsAccepted, serviceHealthByService } from "@/lib/connections/service-health";
import { db } from "@/db";
import { serviceHealth } from "@/db/schema";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

// docs/SECURITY.md row 18: a refused client secret is the operator's problem. Before the fix, the refresher turned
// every connection of the service into "needs reconnect" within one pass.

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;

before(async () => {
  env = await startLifecycleEnv();
});
after(() => env.sandbox.close());

const eventsOf = async (athleteId: string) => await env.events(athleteId);
const refreshCount = async (service: string) => (await env.requests(service, "token")).filter((r) => r.grantType === "refresh_token").length;

describe("a refused client secret (invalid_client) is the operator's problem", () => {
  it("changes no connection, flags and pauses the service, and every connection recovers once the credentials work", async () => {
    let flaggedAt = 0;
    const linked = [await env.linkAthlete("trainerday"), await env.linkAthlete("trainerday"), await env.linkAthlete("trainerday")];
    for (const l of linked) await env.expire(l.connectionId);
    await env.mode("trainerday", "client_rejected");
    try {
      const pass = await runRefresherOnce();
      assert.equal(pass.refreshed, 0);
      for (const l of linked) {
        const row = await env.row(l.connectionId);
        assert.equal(row.state, "connected", "still connected");
        assert.equal(row.failureCount, 0, "no per-connection failure");
        assert.equal(openToken(row.refreshToken!, row.id, "refresh_token"), l.tokens.refreshToken, "refresh token kept");
        assert.equal(row.refreshLeaseOwner, null, "lease released");
        assert.ok(!(await eventsOf(l.userId)).some((e) => e.kind === "needs_reauth"), "no reconnect asked of the athlete");
      }
      const flagged = (await serviceHealthByService()).trainerday;
      assert.ok(flagged, "service flagged");
      assert.match(flagged.lastError, /invalid_client/);
      assert.ok(flagged.nextAttemptAt.getTime() > Date.now() + 20_000, "paused about 30 s");
      flaggedAt = flagged.nextAttemptAt.getTime();

      // Paused: the next pass does not ask TrainerDay again.
      const before = await refreshCount("trainerday");
      await runRefresherOnce();
      assert.equal(await refreshCount("trainerday"), before, "no token request while paused");

      // An athlete's own Refresh says whose problem it is, and still changes nothing.
      await assert.rejects(
        getFreshAccessToken(linked[0]!.connectionId, { force: true }),
        (e: Error) => /refused TrainLink's own credentials/.test(e.message) && !(e as { reauth?: boolean }).reauth,
      );
      assert.equal((await env.row(linked[0]!.connectionId)).state, "connected");
    } finally {
      await env.mode("trainerday", "normal");
    }

    // One pause for the whole pass and the athlete's Refresh during it; then the operator fixes the secret, and
    // once the pause is over the refresher recovers every connection.
    const pause = (await serviceHealthByService()).trainerday!;
    assert.equal(pause.failureCount, 1);
    assert.equal(pause.nextAttemptAt.getTime(), flaggedAt);
    const later = pause.nextAttemptAt.getTime() + 1_000;
    const recovered = await runRefresherOnce(later);
    assert.equal(recovered.refreshed, 3);
    for (const l of linked) {
      const row = await env.row(l.connectionId);
      assert.equal(row.state, "connected");
      assert.ok(row.expiresAt! * 1000 > Date.now() + 3_000_000, "fresh access token");
    }
    assert.equal((await serviceHealthByService()).trainerday, undefined, "flag cleared");
  });

  it("only invalid_grant asks the athlete to reconnect", async () => {
    const { connectionId } = await env.linkAthlete("enduco");
    await env.expire(connectionId);
    await env.mode("enduco", "refresh_invalid_grant");
    try {
      await assert.rejects(getFreshAccessToken(connectionId), (e: Error) => (e as { reauth?: boolean }).reauth === true);
    } finally {
      await env.mode("enduco", "normal");
    }
    assert.equal((await env.row(connectionId)).state, "needs_reauth");
    assert.equal((await serviceHealthByService()).enduco, undefined, "not the service's fault");
  });

  it("a flag another instance sets is cleared by this process's first success after its 5 s of trust", async () => {
    const now = Date.now();
    await credentialsAccepted("fitrankings", now); // read: unflagged, trusted for 5 s
    await db.insert(serviceHealth).values({
      service: "fitrankings",
      credentialsRejectedAt: new Date(now),
      lastError: "invalid_client",
      nextAttemptAt: new Date(now),
      updatedAt: new Date(now),
    });
    await credentialsAccepted("fitrankings", now + 1_000);
    assert.ok((await serviceHealthByService()).fitrankings, "within the 5 s this process did not read again");
    await credentialsAccepted("fitrankings", now + 6_000);
    assert.equal((await serviceHealthByService()).fitrankings, undefined, "the next success after them clears it");
  });
});
