import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;
let lib: {
  getFreshAccessToken: typeof import("@/lib/connections/refresh").getFreshAccessToken;
  refreshOnRequest: typeof import("@/lib/connections/refresh").refreshOnRequest;
  RefreshThrottledError: typeof import("@/lib/connections/refresh").RefreshThrottledError;
  RefreshFailedError: typeof import("@/lib/connections/refresh").RefreshFailedError;
  openToken: typeof import("@/lib/connections/sealing").openToken;
  runRefresherOnce: typeof import("@/lib/connections/refresher").runRefresherOnce;
  disconnectConnection: typeof import("@/lib/connections/disconnect").disconnectConnection;
  connectionStatus: typeof import("@/lib/connections/status").connectionStatus;
  eventKinds: (athleteId: string) => string[];
};

before(async () => {
  env = await startLifecycleEnv();
  const { connectionEvents } = await import("@/db/schema");
  const { eq, asc } = await import("drizzle-orm");
  lib = {
    ...(await import("@/lib/connections/refresh")),
    ...(await import("@/lib/connections/sealing")),
    ...(await import("@/lib/connections/refresher")),
    ...(await import("@/lib/connections/disconnect")),
    ...(await import("@/lib/connections/status")),
    eventKinds: (athleteId) =>
      env.db
        .select()
        .from(connectionEvents)
        .where(eq(connectionEvents.athleteId, athleteId))
        .orderBy(asc(connectionEvents.id))
        .all()
        .map((e) => e.kind),
  };
});
after(() => env.sandbox.close());

const refreshRequests = async (service: string, account: string) =>
  (await env.requests(service, "token")).filter((r) => r.grantType === "refresh_token" && r.account === account);

describe("getFreshAccessToken", () => {
  it("returns the stored token while it is valid beyond the margin, with no request", async () => {
    const { connectionId, username, tokens } = await env.linkAthlete("trainerday");
    assert.equal(await lib.getFreshAccessToken(connectionId), tokens.accessToken);
    assert.equal((await refreshRequests("trainerday", username)).length, 0);
  });

  it("20 concurrent calls on one expired TrainerDay connection make exactly one refresh; all get the same new token; the rotated refresh token is persisted", async () => {
    const { connectionId, username, tokens, userId } = await env.linkAthlete("trainerday");
    env.expire(connectionId);
    const results = await Promise.all(Array.from({ length: 20 }, () => lib.getFreshAccessToken(connectionId)));
    assert.equal(new Set(results).size, 1);
    assert.notEqual(results[0], tokens.accessToken);
    assert.equal((await refreshRequests("trainerday", username)).length, 1);
    const row = env.row(connectionId);
    const storedRefresh = lib.openToken(row.refreshToken!, connectionId, "refresh_token");
    assert.notEqual(storedRefresh, tokens.refreshToken, "rotated refresh token stored");
    assert.equal(lib.openToken(row.accessToken!, connectionId, "access_token"), results[0]);
    assert.ok(row.expiresAt! > Date.now() / 1000 + 3500);
    assert.deepEqual(lib.eventKinds(userId), ["linked", "refreshed"]);
  });

  it("two processes on one database file: still exactly one refresh request, one token for everyone", async () => {
    const { connectionId, username } = await env.linkAthlete("trainerday");
    env.expire(connectionId);
    const go = join(tmpdir(), `go-${connectionId}`);
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/helpers/refresh-worker.ts"], {
      env: { ...process.env, CONNECTION_ID: connectionId, COUNT: "10", GO_FILE: go },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    while (!out.includes("ready")) await new Promise((r) => setTimeout(r, 20));
    writeFileSync(go, "");
    const mine = await Promise.all(Array.from({ length: 10 }, () => lib.getFreshAccessToken(connectionId)));
    await new Promise((resolve) => child.on("exit", resolve));
    const theirs = JSON.parse(out.trim().split("\n").at(-1)!) as string[];
    assert.equal(new Set([...mine, ...theirs]).size, 1, "every caller in both processes got the same token");
    assert.equal((await refreshRequests("trainerday", username)).length, 1, "exactly one refresh request");
  });

  it("a refresh response without refresh_token keeps the old refresh token (enduco)", async () => {
    const { connectionId, tokens } = await env.linkAthlete("enduco");
    env.expire(connectionId);
    await env.mode("enduco", "omit_refresh_token");
    try {
      const fresh = await lib.getFreshAccessToken(connectionId);
      assert.notEqual(fresh, tokens.accessToken);
      assert.equal(lib.openToken(env.row(connectionId).refreshToken!, connectionId, "refresh_token"), tokens.refreshToken);
    } finally {
      await env.mode("enduco", "normal");
    }
  });

  it("invalid_grant moves the connection to needs_reauth and keeps the refresh from being retried", async () => {
    const { connectionId, userId, username } = await env.linkAthlete("trainerday");
    env.expire(connectionId);
    await env.mode("trainerday", "refresh_invalid_grant");
    try {
      await assert.rejects(
        lib.getFreshAccessToken(connectionId),
        (e: InstanceType<typeof lib.RefreshFailedError>) => e.reauth === true && /Reconnect/.test(e.message),
      );
      const row = env.row(connectionId);
      assert.equal(row.state, "needs_reauth");
      assert.equal(lib.connectionStatus(row, true), "needs_reauth");
      assert.deepEqual(lib.eventKinds(userId).slice(-2), ["refresh_failed", "needs_reauth"]);
      await assert.rejects(lib.getFreshAccessToken(connectionId), /needs to be reconnected/);
      assert.equal((await refreshRequests("trainerday", username)).length, 1);
    } finally {
      await env.mode("trainerday", "normal");
    }
  });

  for (const failure of ["token_503", "token_timeout"] as const) {
    it(`${failure}: tokens kept, error and backoff recorded, the next success clears them`, async () => {
      const { connectionId, tokens } = await env.linkAthlete("trainerday");
      env.expire(connectionId);
      await env.mode("trainerday", failure);
      try {
        await assert.rejects(lib.getFreshAccessToken(connectionId), (e: InstanceType<typeof lib.RefreshFailedError>) => e.reauth === false);
      } finally {
        await env.mode("trainerday", "normal");
      }
      let row = env.row(connectionId);
      assert.equal(row.state, "connected");
      assert.equal(row.failureCount, 1);
      assert.ok(row.lastError && row.lastErrorAt);
      assert.ok(row.nextAttemptAt!.getTime() > Date.now() + 20_000, "backoff of about 30 s");
      assert.equal(lib.openToken(row.accessToken!, connectionId, "access_token"), tokens.accessToken, "access token kept");
      assert.equal(lib.openToken(row.refreshToken!, connectionId, "refresh_token"), tokens.refreshToken, "refresh token kept");
      assert.equal(lib.connectionStatus(row, true), "refresh_failing");

      const fresh = await lib.getFreshAccessToken(connectionId);
      row = env.row(connectionId);
      assert.notEqual(fresh, tokens.accessToken);
      assert.equal(row.failureCount, 0);
      assert.equal(row.lastError, null);
      assert.equal(row.nextAttemptAt, null);
      assert.equal(lib.connectionStatus(row, true), "connected");
    });
  }
});

describe("background refresher", () => {
  it("refreshes connections due within the margin and skips those in backoff", async () => {
    const due = await env.linkAthlete("enduco");
    const notDue = await env.linkAthlete("enduco");
    env.expire(due.connectionId, 120);
    const pass = await lib.runRefresherOnce();
    assert.ok(pass.refreshed >= 1);
    assert.ok(env.row(due.connectionId).expiresAt! > Date.now() / 1000 + 7000);
    assert.equal(env.row(notDue.connectionId).lastRefreshedAt, null);
  });

  it("retries a pending revocation until the service accepts it, then wipes the tokens", async () => {
    const { connectionId, userId } = await env.linkAthlete("trainerday");
    await env.mode("trainerday", "revoke_503");
    let result;
    try {
      result = await lib.disconnectConnection({ athleteId: userId, actorId: userId, service: "trainerday" });
    } finally {
      await env.mode("trainerday", "normal");
    }
    assert.deepEqual(result, { revoked: false, pending: true });
    let row = env.row(connectionId);
    assert.equal(row.state, "revocation_pending");
    assert.ok(row.accessToken, "tokens kept until the service accepts");
    assert.equal(lib.connectionStatus(row, true), "revocation_pending");

    await lib.runRefresherOnce(row.nextAttemptAt!.getTime() - 1000);
    assert.equal(env.row(connectionId).state, "revocation_pending", "not retried before its backoff");
    await lib.runRefresherOnce(row.nextAttemptAt!.getTime() + 1000);
    row = env.row(connectionId);
    assert.equal(row.state, "disconnected");
    assert.equal(row.accessToken, null);
    assert.equal(row.refreshToken, null);
    assert.deepEqual(lib.eventKinds(userId).slice(-2), ["revocation_pending", "disconnected"]);
  });
});

describe("refreshOnRequest (the card's Refresh button)", () => {
  it("allows one attempt per connection every 30 s, without asking the service in between", async () => {
    const { userId, username, connectionId } = await env.linkAthlete("trainerday");
    await lib.refreshOnRequest(connectionId, userId);
    assert.equal((await refreshRequests("trainerday", username)).length, 1);
    await assert.rejects(
      lib.refreshOnRequest(connectionId, userId),
      (e: Error) => e instanceof lib.RefreshThrottledError && /again in (29|30) seconds/.test(e.message),
    );
    assert.equal((await refreshRequests("trainerday", username)).length, 1, "the service was not asked");
    await lib.refreshOnRequest(connectionId, userId, Date.now() + 31_000);
    assert.equal((await refreshRequests("trainerday", username)).length, 2);
  });
});
