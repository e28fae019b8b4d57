import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { getFreshAccessToken, RefreshFailedError, refreshOnRequest, RefreshThrottledError } from "@/lib/connections/refresh";
import { runRefresherOnce } from "@/lib/connections/refresher";
import { openToken } from "@/lib/connections/sealing";
import { connectionStatus } from "@/lib/connections/status";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;

before(async () => {
  env = await startLifecycleEnv();
});
after(() => env.sandbox.close());

const eventKinds = async (athleteId: string): Promise<string[]> => (await env.events(athleteId)).map((e) => e.kind);
const refreshRequests = async (service: string, account: string) =>
  (await env.requests(service, "token")).filter((r) => r.grantType === "refresh_token" && r.account === account);

describe("getFreshAccessToken", () => {
  it("returns the stored token while it is valid beyond the margin, with no request", async () => {
    const { connectionId, username, tokens } = await env.linkAthlete("trainerday");
    assert.equal(await getFreshAccessToken(connectionId), tokens.accessToken);
    assert.equal((await refreshRequests("trainerday", username)).length, 0);
  });

  it("20 concurrent calls on one expired TrainerDay connection make exactly one refresh; all get the same new token; the rotated refresh token is persisted", async () => {
    const { connectionId, username, tokens, userId } = await env.linkAthlete("trainerday");
    await env.expire(connectionId);
    const results = await Promise.all(Array.from({ length: 20 }, () => getFreshAccessToken(connectionId)));
    assert.equal(new Set(results).size, 1);
    assert.notEqual(results[0], tokens.accessToken);
    assert.equal((await refreshRequests("trainerday", username)).length, 1);
    const row = await env.row(connectionId);
    const storedRefresh = openToken(row.refreshToken!, connectionId, "refresh_token");
    assert.notEqual(storedRefresh, tokens.refreshToken, "rotated refresh token stored");
    assert.equal(openToken(row.accessToken!, connectionId, "access_token"), results[0]);
    assert.ok(row.expiresAt! > Date.now() / 1000 + 3500);
    assert.deepEqual(await eventKinds(userId), ["linked", "refreshed"]);
  });

  it("two processes on one database file: still exactly one refresh request, one token for everyone", async () => {
    const { connectionId, username } = await env.linkAthlete("trainerday");
    await env.expire(connectionId);
    const go = join(tmpdir(), `go-${connectionId}`);
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tests/helpers/refresh-worker.ts"], {
      env: { ...process.env, CONNECTION_ID: connectionId, COUNT: "10", GO_FILE: go },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    while (!out.includes("ready")) await new Promise((r) => setTimeout(r, 20));
    writeFileSync(go, "");
    const mine = await Promise.all(Array.from({ length: 10 }, () => getFreshAccessToken(connectionId)));
    await new Promise((resolve) => child.on("exit", resolve));
    const theirs = JSON.parse(out.trim().split("\n").at(-1)!) as string[];
    assert.equal(new Set([...mine, ...theirs]).size, 1, "every caller in both processes got the same token");
    assert.equal((await refreshRequests("trainerday", username)).length, 1, "exactly one refresh request");
  });

  it("a refresh response without refresh_token keeps the old refresh token (enduco)", async () => {
    const { connectionId, tokens } = await env.linkAthlete("enduco");
    await env.expire(connectionId);
    await env.mode("enduco", "omit_refresh_token");
    try {
      const fresh = await getFreshAccessToken(connectionId);
      assert.notEqual(fresh, tokens.accessToken);
      assert.equal(openToken((await env.row(connectionId)).refreshToken!, connectionId, "refresh_token"), tokens.refreshToken);
    } finally {
      await env.mode("enduco", "normal");
    }
  });

  it("invalid_grant moves the connection to needs_reauth and keeps the refresh from being retried", async () => {
    const { connectionId, userId, username } = await env.linkAthlete("trainerday");
    await env.expire(connectionId);
    await env.mode("trainerday", "refresh_invalid_grant");
    try {
      await assert.rejects(
        getFreshAccessToken(connectionId),
        (e: InstanceType<typeof RefreshFailedError>) => e.reauth === true && /Reconnect/.test(e.message),
      );
      const row = await env.row(connectionId);
      assert.equal(row.state, "needs_reauth");
      assert.equal(connectionStatus(row, true), "needs_reauth");
      assert.deepEqual((await eventKinds(userId)).slice(-2), ["refresh_failed", "needs_reauth"]);
      await assert.rejects(getFreshAccessToken(connectionId), /needs to be reconnected/);
      assert.equal((await refreshRequests("trainerday", username)).length, 1);
    } finally {
      await env.mode("trainerday", "normal");
    }
  });

  for (const failure of ["token_503", "token_timeout"] as const) {
    it(`${failure}: tokens kept, error and backoff recorded, the next success clears them`, async () => {
      const { connectionId, tokens } = await env.linkAthlete("trainerday");
      await env.expire(connectionId);
      await env.mode("trainerday", failure);
      try {
        await assert.rejects(getFreshAccessToken(connectionId), (e: InstanceType<typeof RefreshFailedError>) => e.reauth === false);
      } finally {
        await env.mode("trainerday", "normal");
      }
      let row = await env.row(connectionId);
      assert.equal(row.state, "connected");
      assert.equal(row.failureCount, 1);
      assert.ok(row.lastError && row.lastErrorAt);
      assert.ok(row.nextAttemptAt!.getTime() > Date.now() + 20_000, "backoff of about 30 s");
      assert.equal(openToken(row.accessToken!, connectionId, "access_token"), tokens.accessToken, "access token kept");
      assert.equal(openToken(row.refreshToken!, connectionId, "refresh_token"), tokens.refreshToken, "refresh token kept");
      assert.equal(connectionStatus(row, true), "refresh_failing");

      const fresh = await getFreshAccessToken(connectionId);
      row = await env.row(connectionId);
      assert.notEqual(fresh, tokens.accessToken);
      assert.equal(row.failureCount, 0);
      assert.equal(row.lastError, null);
      assert.equal(row.nextAttemptAt, null);
      assert.equal(connectionStatus(row, true), "connected");
    });
  }
});

describe("refresh latency (connection_events.latency_ms)", () => {
  it("records how long each refresh call took, in milliseconds, on its refreshed or refresh_failed event only", async () => {
    const { connectionId, userId } = await env.linkAthlete("trainerday");
    await env.expire(connectionId);
    await getFreshAccessToken(connectionId);
    await env.mode("trainerday", "token_timeout");
    try {
      await env.expire(connectionId);
      await assert.rejects(getFreshAccessToken(connectionId, { force: true }));
    } finally {
      await env.mode("trainerday", "normal");
    }
    const [linked, refreshed, failed] = await env.events(userId);
    assert.equal(linked!.kind, "linked");
    assert.equal(linked!.latencyMs, null);
    assert.equal(refreshed!.kind, "refreshed");
    assert.ok(Number.isInteger(refreshed!.latencyMs) && refreshed!.latencyMs! >= 0 && refreshed!.latencyMs! < 1500, `${refreshed!.latencyMs}`);
    assert.equal(failed!.kind, "refresh_failed");
    assert.ok(failed!.latencyMs! >= 1400, `the timed-out call waited OUTBOUND_TIMEOUT_MS (1500 ms here): ${failed!.latencyMs}`);
  });

  it("times the refused call of a refresh that ends in needs_reauth; the needs_reauth event has none", async () => {
    const { connectionId, userId } = await env.linkAthlete("enduco");
    await env.expire(connectionId);
    await env.mode("enduco", "refresh_invalid_grant");
    try {
      await assert.rejects(getFreshAccessToken(connectionId));
    } finally {
      await env.mode("enduco", "normal");
    }
    const [refused, reauth] = (await env.events(userId)).slice(-2);
    assert.equal(refused!.kind, "refresh_failed");
    assert.ok(refused!.latencyMs !== null && refused!.latencyMs >= 0);
    assert.equal(reauth!.kind, "needs_reauth");
    assert.equal(reauth!.latencyMs, null);
  });
});

describe("background refresher", () => {
  it("refreshes connections due within the margin and skips those in backoff", async () => {
    const due = await env.linkAthlete("enduco");
    const notDue = await env.linkAthlete("enduco");
    await env.expire(due.connectionId, 120);
    const pass = await runRefresherOnce();
    assert.ok(pass.refreshed >= 1);
    assert.ok((await env.row(due.connectionId)).expiresAt! > Date.now() / 1000 + 7000);
    assert.equal((await env.row(notDue.connectionId)).lastRefreshedAt, null);
  });

  it("retries a pending revocation until the service accepts it, then wipes the tokens", async () => {
    const { connectionId, userId } = await env.linkAthlete("trainerday");
    await env.mode("trainerday", "revoke_503");
    let result;
    try {
      result = await disconnectConnection({ athleteId: userId, actorId: userId, service: "trainerday" });
    } finally {
      await env.mode("trainerday", "normal");
    }
    assert.deepEqual(result, { revoked: false, pending: true });
    let row = await env.row(connectionId);
    assert.equal(row.state, "revocation_pending");
    assert.ok(row.accessToken, "tokens kept until the service accepts");
    assert.equal(connectionStatus(row, true), "revocation_pending");

    await runRefresherOnce(row.nextAttemptAt!.getTime() - 1000);
    assert.equal((await env.row(connectionId)).state, "revocation_pending", "not retried before its backoff");
    await runRefresherOnce(row.nextAttemptAt!.getTime() + 1000);
    row = await env.row(connectionId);
    assert.equal(row.state, "disconnected");
    assert.equal(row.accessToken, null);
    assert.equal(row.refreshToken, null);
    assert.deepEqual((await eventKinds(userId)).slice(-2), ["revocation_pending", "disconnected"]);
  });
});

describe("refreshOnRequest (the card's Refresh button)", () => {
  it("allows one attempt per connection every 30 s, without asking the service in between", async () => {
    const { userId, username, connectionId } = await env.linkAthlete("trainerday");
    await refreshOnRequest(connectionId, userId);
    assert.equal((await refreshRequests("trainerday", username)).length, 1);
    await assert.rejects(
      refreshOnRequest(connectionId, userId),
      (e: Error) => e instanceof RefreshThrottledError && /again in (29|30) seconds/.test(e.message),
    );
    assert.equal((await refreshRequests("trainerday", username)).length, 1, "the service was not asked");
    await refreshOnRequest(connectionId, userId, Date.now() + 31_000);
    assert.equal((await refreshRequests("trainerday", username)).length, 2);
  });
});
