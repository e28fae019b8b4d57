import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { LinkError, storeLinkedConnection } from "@/lib/linking/store";
import { failed } from "@/lib/result";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

// docs/SECURITY.md row 19, issue 12 point 5: tokens we obtain and do not keep are revoked at the service.
// Before the fix a refused link dropped the freshly issued tokens, and they stayed live at the service.

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;

before(async () => {
  env = await startLifecycleEnv();
});
after(() => env.sandbox.close());

const lastEvent = async (athleteId: string) => (await env.events(athleteId)).at(-1)!;
const isLinkError = (code: string) => (e: Error) => e instanceof LinkError && e.code === code;

describe("tokens issued for a link that is not kept", () => {
  it("enduco, account already linked to another athlete: the second athlete's new tokens are revoked at enduco", async () => {
    const first = await env.linkAthlete("enduco", { username: "taken-account" });
    const secondAthlete = await env.newAthlete();
    const { integration, exchange } = await env.issueTokens("enduco", "taken-account");
    await assert.rejects(
      storeLinkedConnection({
        athleteId: secondAthlete,
        actorId: secondAthlete,
        integration,
        tokens: exchange.tokens,
        accountId: exchange.accountId,
      }),
      isLinkError("account_in_use"),
    );
    const tokens = await env.issuedTokens("enduco", "taken-account");
    assert.equal(tokens.length, 4, "two token pairs issued");
    assert.equal(tokens.filter((t) => t.active).length, 2, "only the first athlete's pair is live");
    assert.equal((await env.row(first.connectionId)).state, "connected", "the first athlete keeps the connection");
    const event = await lastEvent(secondAthlete);
    assert.equal(event.kind, "tokens_discarded");
    assert.match(event.detail ?? "", /not linked \(account_in_use\); the tokens enduco issued were revoked there/);
  });

  for (const service of ["trainerday", "enduco"] as const) {
    it(`${service}, no scope granted: the tokens are revoked and nothing is stored`, async () => {
      const athlete = await env.newAthlete();
      const username = `${service}-noscope`;
      const { integration, exchange } = await env.issueTokens(service, username);
      await assert.rejects(
        storeLinkedConnection({
          athleteId: athlete,
          actorId: athlete,
          integration,
          tokens: { ...exchange.tokens, grantedScope: [] },
          accountId: exchange.accountId,
        }),
        isLinkError("no_scope_granted"),
      );
      const tokens = await env.issuedTokens(service, username);
      assert.equal(tokens.length, 2, "an access and a refresh token were issued");
      assert.deepEqual(
        tokens.filter((t) => t.active),
        [],
        "revoking one token ends the grant at the service",
      );
      assert.equal((await lastEvent(athlete)).kind, "tokens_discarded");
    });
  }

  it("a relink over a pending revocation finishes the revocation first, then links", async () => {
    const { userId, username, connectionId } = await env.linkAthlete("enduco");
    await env.mode("enduco", "revoke_503");
    try {
      const result = await disconnectConnection({ athleteId: userId, actorId: userId, service: "enduco" });
      assert.ok(!failed(result) && result.pending);
    } finally {
      await env.mode("enduco", "normal");
    }
    await env.linkAthlete("enduco", { userId, username });
    assert.equal((await env.row(connectionId)).state, "connected");
    const tokens = await env.issuedTokens("enduco", username);
    assert.equal(tokens.length, 4);
    assert.equal(tokens.filter((t) => t.active).length, 2, "the old pair was revoked, the new pair is live");
  });

  it("a relink while the service still refuses the pending revocation is refused, and the new tokens are discarded", async () => {
    const { userId, username, connectionId } = await env.linkAthlete("trainerday");
    const before = await env.row(connectionId);
    await env.mode("trainerday", "revoke_503");
    try {
      const result = await disconnectConnection({ athleteId: userId, actorId: userId, service: "trainerday" });
      assert.ok(!failed(result) && result.pending);
      await assert.rejects(env.linkAthlete("trainerday", { userId, username }), isLinkError("revocation_pending"));
    } finally {
      await env.mode("trainerday", "normal");
    }
    const row = await env.row(connectionId);
    assert.equal(row.state, "revocation_pending", "the owed revocation is kept for the retry");
    assert.equal(row.accessToken !== null && row.refreshToken === before.refreshToken, true, "the old tokens are kept until revoked");
    const event = await lastEvent(userId);
    assert.equal(event.kind, "tokens_discarded");
    assert.match(event.detail ?? "", /not linked \(revocation_pending\); the tokens TrainerDay issued could not be revoked \(.*503.*\)/);
  });
});
