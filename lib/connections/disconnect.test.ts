import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { getFreshAccessToken } from "@/lib/connections/refresh";
import { runRefresherOnce } from "@/lib/connections/refresher";
import { handleEnducoWebhook } from "@/lib/integrations/enduco/webhooks";
import { LinkError } from "@/lib/linking/store";
import { failed } from "@/lib/result";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

// docs/SECURITY.md row 19: the athlete's Disconnect always ends the connection here, whatever the service answers.
// Before the fix a refused revocation kept the connection, and the refresher went on refreshing its tokens.

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;

before(async () => {
  env = await startLifecycleEnv();
});
after(() => env.sandbox.close());

const kinds = async (athleteId: string): Promise<string[]> => (await env.events(athleteId)).map((e) => e.kind);
const refreshesOf = async (service: string, account: string) =>
  (await env.requests(service, "token")).filter((r) => r.grantType === "refresh_token" && r.account === account).length;

describe("a revocation the service refuses", () => {
  for (const service of ["trainerday", "enduco"] as const) {
    it(`${service}: the connection still ends here, the athlete is told how to remove access there, and nothing refreshes it again`, async () => {
      const { userId, username, connectionId } = await env.linkAthlete(service);
      await env.mode(service, "revoke_refused");
      let result;
      try {
        result = await disconnectConnection({ athleteId: userId, actorId: userId, service });
      } finally {
        await env.mode(service, "normal");
      }
      assert.equal(failed(result), false);
      assert.ok(!failed(result) && result.refused && !result.revoked);
      assert.match(!failed(result) ? (result.note ?? "") : "", /refused to revoke.*remove TrainLink from the apps connected to your account/);
      const row = await env.row(connectionId);
      assert.equal(row.state, "disconnected");
      assert.equal(row.accessToken, null);
      assert.equal(row.refreshToken, null);
      assert.deepEqual((await kinds(userId)).slice(-2), ["revocation_refused", "disconnected"]);

      await env.expire(connectionId);
      await runRefresherOnce();
      assert.equal(await refreshesOf(service, username), 0, "never refreshed after the Disconnect");
    });
  }

  it("a pending revocation that the service then refuses ends the connection too", async () => {
    const { userId, connectionId } = await env.linkAthlete("trainerday");
    await env.mode("trainerday", "revoke_503");
    try {
      const first = await disconnectConnection({ athleteId: userId, actorId: userId, service: "trainerday" });
      assert.ok(!failed(first) && first.pending);
      await env.mode("trainerday", "revoke_refused");
      await runRefresherOnce(Date.now() + 31_000);
    } finally {
      await env.mode("trainerday", "normal");
    }
    const row = await env.row(connectionId);
    assert.equal(row.state, "disconnected");
    assert.equal(row.refreshToken, null);
    assert.deepEqual((await kinds(userId)).slice(-3), ["revocation_pending", "revocation_refused", "disconnected"]);
  });
});

describe("a Disconnect during a refresh", () => {
  for (const service of ["trainerday", "enduco"] as const) {
    it(`${service}: waits for the refresh and revokes the newest tokens, so no grant stays live at the service`, async () => {
      const { userId, username, connectionId } = await env.linkAthlete(service);
      await env.mode(service, "refresh_slow");
      let result;
      try {
        const refreshing = getFreshAccessToken(connectionId, { force: true }).catch((e: Error) => e);
        await new Promise((resolve) => setTimeout(resolve, 300)); // the refresh holds the lease; the service holds it 1 s
        result = await disconnectConnection({ athleteId: userId, actorId: userId, service });
        await refreshing;
      } finally {
        await env.mode(service, "normal");
      }
      assert.ok(!failed(result) && result.revoked, "revoked");
      assert.equal((await env.row(connectionId)).state, "disconnected");
      const issued = (await (await fetch(`${env.sandbox.url}/__sandbox/tokens?service=${service}`)).json()) as {
        account?: string;
        kind: string;
        active: boolean;
      }[];
      const mine = issued.filter((t) => t.account === username);
      assert.ok(mine.length >= 3, "tokens from the link and the refresh");
      assert.deepEqual(
        mine.filter((t) => t.active),
        [],
        "no live token at the service",
      );
    });
  }
});

describe("revocation as RFC 7009 expects it", () => {
  it("TrainerDay: the client authenticates at the revocation endpoint (credentials in the body, as at its token endpoint)", async () => {
    const { userId } = await env.linkAthlete("trainerday");
    const result = await disconnectConnection({ athleteId: userId, actorId: userId, service: "trainerday" });
    assert.ok(!failed(result) && result.revoked);
    const [last] = (await env.requests("trainerday", "revoke")).slice(-1) as { status: number; clientAuth?: boolean }[];
    assert.deepEqual({ status: last?.status, clientAuth: last?.clientAuth }, { status: 200, clientAuth: true });
  });
});

describe("a service account once unlinked", () => {
  it("can be linked by another athlete; webhooks reach the live connection; a different account on reconnect is in the history", async () => {
    const first = await env.linkAthlete("enduco", { username: "shared-enduco-account" });
    // While A holds it, B cannot take it.
    await assert.rejects(
      env.linkAthlete("enduco", { username: "shared-enduco-account" }),
      (e: Error) => e instanceof LinkError && e.message === "account_in_use",
    );
    assert.ok(!failed(await disconnectConnection({ athleteId: first.userId, actorId: first.userId, service: "enduco" })));

    const second = await env.linkAthlete("enduco", { username: "shared-enduco-account" });
    const accountId = (await env.row(second.connectionId)).providerAccountId;
    assert.equal(accountId, (await env.row(first.connectionId)).providerAccountId, "the same enduco account");
    assert.equal((await env.row(second.connectionId)).state, "connected");

    // enduco's deregister webhook for that account ends B's live connection, not A's old row.
    assert.equal((await handleEnducoWebhook("deregister", JSON.stringify({ userId: accountId }))).status, 200);
    assert.equal((await env.row(second.connectionId)).state, "revoked_by_service");
    assert.equal((await env.row(first.connectionId)).state, "disconnected");

    // A reconnects with another enduco account: linked, and the history says it is a different account.
    await env.linkAthlete("enduco", { username: "another-enduco-account", userId: first.userId });
    const last = (await env.events(first.userId)).at(-1)!;
    assert.equal(last.kind, "linked");
    assert.match(last.detail ?? "", /a different service account than before \(was [0-9a-f]{24}, now [0-9a-f]{24}\)/);
  });
});
