import { firstRow } from "@/db/first";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { and, eq } from "drizzle-orm";
import { accounts } from "@/db/schema";
import { getFreshAccessToken, RefreshFailedError } from "@/lib/connections/refresh";
import { getIntegration, isServerToServer, type ServerToServerIntegration } from "@/lib/integrations/registry";
import { storeLinkedConnection } from "@/lib/linking/store";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

// Issue 12 point 7: ExorLive's doc allows a new token "from scratch", and we hold the user id and the client
// secret. A refresh refused with invalid_grant re-links server to server; only when that fails too does the
// connection need an administrator. Before the fix, every invalid_grant made it `needs_reauth`.

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;

before(async () => {
  env = await startLifecycleEnv();
});
after(() => env.sandbox.close());

async function link(): Promise<{ athleteId: string; connectionId: string; exorliveUserId: string }> {
  const integration = getIntegration("exorlive");
  assert.ok(isServerToServer(integration));
  const athleteId = await env.newAthlete();
  const exorliveUserId = String(100000 + Math.floor(Math.random() * 800000));
  const exchange = await integration.linkUser(exorliveUserId);
  await storeLinkedConnection({ athleteId, actorId: athleteId, integration, tokens: exchange.tokens, accountId: exchange.accountId });
  const row = (await env.db
    .select()
    .from(accounts)
    .where(and(eq(accounts.userId, athleteId), eq(accounts.provider, "exorlive")))
    .limit(1)
    .then(firstRow))!;
  return { athleteId, connectionId: row.id, exorliveUserId };
}

const events = async (athleteId: string) => await env.events(athleteId);

describe("ExorLive recovers by itself", () => {
  it("a refresh refused with invalid_grant gets new tokens from scratch; the connection stays connected", async () => {
    const { athleteId, connectionId, exorliveUserId } = await link();
    const before = await env.row(connectionId);
    await env.mode("exorlive", "refresh_invalid_grant");
    let token: string;
    try {
      token = await getFreshAccessToken(connectionId, { force: true });
    } finally {
      await env.mode("exorlive", "normal");
    }
    assert.match(token, /^sbx-ex-at-/);
    const row = await env.row(connectionId);
    assert.equal(row.state, "connected");
    assert.notEqual(row.accessToken, before.accessToken);
    assert.notEqual(row.refreshToken, before.refreshToken, "the new grant's refresh token is stored");
    assert.equal(row.failureCount, 0);
    const last = (await events(athleteId)).at(-1)!;
    assert.equal(last.kind, "refreshed");
    assert.match(
      last.detail ?? "",
      new RegExp(
        `refresh token was refused \\(ExorLive refused the request \\(HTTP 400, invalid_grant\\)\\); new tokens obtained from scratch for ExorLive user ${exorliveUserId}`,
      ),
    );
    const grants = (await env.requests("exorlive", "token")).slice(-2).map((r) => `${r.grantType}:${r.status}`);
    assert.deepEqual(grants, ["refresh_token:400", "authorization_code:200"]);

    // The new refresh token works like any other.
    assert.match(await getFreshAccessToken(connectionId, { force: true }), /^sbx-ex-at-/);
    assert.equal((await events(athleteId)).at(-1)!.kind, "refreshed");
  });

  it("when the user is gone at ExorLive too, the connection needs an administrator", async () => {
    const { athleteId, connectionId } = await link();
    await env.mode("exorlive", "user_removed");
    try {
      await assert.rejects(
        getFreshAccessToken(connectionId, { force: true }),
        (e: Error) => e instanceof RefreshFailedError && e.reauth && /An administrator must link ExorLive again/.test(e.message),
      );
    } finally {
      await env.mode("exorlive", "normal");
    }
    const row = await env.row(connectionId);
    assert.equal(row.state, "needs_reauth");
    assert.match(
      row.lastError ?? "",
      /invalid_grant.*a new token from scratch failed too \(ExorLive refused the request \(HTTP 404, invalid_user\)\)/,
    );
    assert.deepEqual(
      (await events(athleteId)).slice(-2).map((e) => e.kind),
      ["refresh_failed", "needs_reauth"],
    );
  });

  it("a service outage during the re-link is transient: tokens kept, retried later", async () => {
    const { connectionId } = await link();
    const before = await env.row(connectionId);
    // refresh_invalid_grant refuses the refresh; then the sandbox goes down for the re-link's Authorize.aspx.
    await env.mode("exorlive", "refresh_invalid_grant");
    const integration = getIntegration("exorlive") as ServerToServerIntegration;
    const linkUser = integration.linkUser;
    try {
      // Not a mock of the behaviour under test: the outage is real HTTP (sandbox token_503) during the re-link.
      integration.linkUser = async (id) => {
        await env.mode("exorlive", "token_503");
        return linkUser(id);
      };
      await assert.rejects(getFreshAccessToken(connectionId, { force: true }), (e: Error) => e instanceof RefreshFailedError && !e.reauth);
    } finally {
      integration.linkUser = linkUser;
      await env.mode("exorlive", "normal");
    }
    const row = await env.row(connectionId);
    assert.equal(row.state, "connected");
    assert.equal(row.refreshToken, before.refreshToken);
    assert.equal(row.failureCount, 1);
    assert.ok(row.nextAttemptAt && row.nextAttemptAt.getTime() > Date.now());
  });
});
