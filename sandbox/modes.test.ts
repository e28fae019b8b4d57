/**
 * Failure modes (sandbox/modes.ts): token_503, token_timeout, token_invalid_json, the refresh-related modes and
 * seeded random_faults.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { decodeJwt } from "jose";
import { startSandbox, type RunningSandbox } from "./server.js";
import {
  CALLBACK,
  FR,
  assertOAuthError,
  base,
  cleanEnv,
  enCode,
  enRefresh,
  enToken,
  enTokens,
  exToken,
  exTokens,
  json,
  onSandbox,
  postForm,
  recorded,
  sandboxPerFile,
  sandboxTokens,
  seed,
  setMode,
  stats,
  tdCode,
  tdExchange,
  tdRefresh,
  tdTokens,
} from "./test-helpers.js";

sandboxPerFile();

/** Lifetime in seconds of the sandbox's record of an access token. */
async function recordedLifetime(service: string, accessToken: unknown): Promise<number> {
  const entry = (await sandboxTokens(service)).find((t) => t.value === accessToken);
  assert.ok(entry && typeof entry.expiresAt === "string" && typeof entry.issuedAt === "string");
  return (Date.parse(entry.expiresAt) - Date.parse(entry.issuedAt)) / 1000;
}

describe("failure modes", () => {
  test("token_503, token_invalid_json, token_timeout", async () => {
    await setMode(base, "trainerday", "token_503");
    const code = await tdCode();
    const res = await tdExchange(code);
    assert.equal(res.status, 503);
    assert.equal((await json(res)).error, "temporarily_unavailable");

    await setMode(base, "trainerday", "token_invalid_json");
    const bad = await tdExchange(code);
    assert.equal(bad.status, 200);
    await assert.rejects(bad.json());

    await setMode(base, "trainerday", "token_timeout"); // 300 ms in this test sandbox (60 s by default)
    const started = Date.now();
    const slow = await tdExchange(code);
    assert.equal(slow.status, 504);
    assert.ok(Date.now() - started >= 250);
    await slow.text();

    await setMode(base, "trainerday", "normal");
    assert.equal((await tdExchange(code)).status, 200, "the code survived the failed attempts");
    const recorded = (await (await fetch(`${base}/__sandbox/requests?service=trainerday&endpoint=token`)).json()) as Array<Record<string, unknown>>;
    assert.deepEqual(
      recorded.map((r) => [r.status, r.grantType]),
      [
        [503, "authorization_code"],
        [200, "authorization_code"],
        [504, "authorization_code"],
        [200, "authorization_code"],
      ],
    );
  });

  test("a refresh answered 503 or timed out spends nothing: the same token then works once", async () => {
    const first = await tdTokens();
    const rt = String(first.refresh_token);
    await setMode(base, "trainerday", "token_503");
    assert.equal((await tdRefresh(rt)).status, 503);
    await setMode(base, "trainerday", "token_timeout");
    const slow = await tdRefresh(rt);
    assert.equal(slow.status, 504);
    await slow.text();
    await setMode(base, "trainerday", "token_invalid_json");
    assert.equal((await tdRefresh(rt)).status, 200);
    await setMode(base, "trainerday", "normal");
    assert.equal((await tdRefresh(rt)).status, 200, "not spent by the faulted attempts");
    const active = (await sandboxTokens("trainerday")).filter((t) => t.kind === "refresh" && t.active === true);
    assert.equal(active.length, 1, "rotated exactly once");
    assert.deepEqual(await stats(), {
      refreshRequests: { trainerday: 1, enduco: 0, exorlive: 0 },
      refreshReuse: { trainerday: 0, enduco: 0, exorlive: 0 },
      tokenRequests: 5,
    });
  });
});

describe("refresh-related modes", () => {
  test("short_expiry: TrainerDay code exchange and refresh get expires_in 305, and the sandbox expires them", async () => {
    await setMode(base, "trainerday", "short_expiry");
    const first = await tdTokens();
    assert.equal(first.expires_in, 305);
    assert.match(String(first.refresh_token), /^sbx-td-rt-/, "everything else normal");
    assert.equal(await recordedLifetime("trainerday", first.access_token), 305);

    const res = await tdRefresh(String(first.refresh_token));
    assert.equal(res.status, 200);
    const second = await json(res);
    assert.equal(second.expires_in, 305);
    assert.equal(await recordedLifetime("trainerday", second.access_token), 305);
    await assertOAuthError(await tdRefresh(String(first.refresh_token)), 400, "invalid_grant"); // still rotates

    await setMode(base, "trainerday", "normal");
    const third = await json(await tdRefresh(String(second.refresh_token)));
    assert.equal(third.expires_in, 3600);
    assert.equal(await recordedLifetime("trainerday", third.access_token), 3600);
  });

  test('short_expiry: ExorLive answers the string "305"; enduco 305 with the JWT exp to match', async () => {
    await setMode(base, "exorlive", "short_expiry");
    const ex = await exTokens();
    assert.equal(ex.expires_in, "305");
    assert.equal(await recordedLifetime("exorlive", ex.access_token), 305);
    const exRefreshed = await json(await exToken({ grant_type: "refresh_token", refresh_token: String(ex.refresh_token) }));
    assert.equal(exRefreshed.expires_in, "305");

    await setMode(base, "enduco", "short_expiry");
    const en = await enTokens();
    assert.equal(en.expires_in, 305);
    const claims = decodeJwt(String(en.access_token));
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 306);
    assert.equal(await recordedLifetime("enduco", en.access_token), 305);
    const enRefreshed = await json(await enRefresh(String(en.refresh_token)));
    assert.equal(enRefreshed.expires_in, 305);
    assert.equal(enRefreshed.refresh_token, en.refresh_token);
  });

  test("omit_refresh_token: enduco refresh has no refresh_token field; the old one keeps working", async () => {
    await setMode(base, "enduco", "omit_refresh_token");
    const first = await enTokens();
    assert.match(String(first.refresh_token), /^sbx-en-rt-/, "code exchange unaffected");
    const res = await enRefresh(String(first.refresh_token));
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.deepEqual(Object.keys(body), ["access_token", "scope", "token_type", "expires_in"]);
    assert.equal((await enRefresh(String(first.refresh_token))).status, 200);
    await setMode(base, "enduco", "normal");
    assert.equal((await json(await enRefresh(String(first.refresh_token)))).refresh_token, first.refresh_token);
  });

  test("omit_refresh_token: TrainerDay and ExorLive refreshes do not rotate and leave the field out", async () => {
    await setMode(base, "trainerday", "omit_refresh_token");
    const first = await tdTokens();
    assert.match(String(first.refresh_token), /^sbx-td-rt-/, "code exchange unaffected");
    const res = await tdRefresh(String(first.refresh_token));
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.deepEqual(Object.keys(body), ["access_token", "expires_in", "token_type", "scope"]);
    assert.notEqual(body.access_token, first.access_token);
    assert.equal((await tdRefresh(String(first.refresh_token))).status, 200, "old refresh token still valid");
    const active = (await sandboxTokens("trainerday")).filter((t) => t.kind === "refresh" && t.active === true);
    assert.deepEqual(
      active.map((t) => t.value),
      [first.refresh_token],
    );

    await setMode(base, "trainerday", "normal");
    const rotated = await json(await tdRefresh(String(first.refresh_token)));
    assert.match(String(rotated.refresh_token), /^sbx-td-rt-/);
    await assertOAuthError(await tdRefresh(String(first.refresh_token)), 400, "invalid_grant");

    await setMode(base, "exorlive", "omit_refresh_token");
    const ex = await exTokens();
    const exBody = await json(await exToken({ grant_type: "refresh_token", refresh_token: String(ex.refresh_token) }));
    assert.deepEqual(Object.keys(exBody), ["access_token", "token_type", "expires_in", "scope"]);
    assert.equal((await exToken({ grant_type: "refresh_token", refresh_token: String(ex.refresh_token) })).status, 200);
  });

  test("refresh_invalid_grant: refreshes answer 400 invalid_grant, recorded; code exchanges unaffected", async () => {
    const td = await tdTokens({ username: "kim" });
    const en = await enTokens("kim");
    const ex = await exTokens();
    await setMode(base, "trainerday", "refresh_invalid_grant");
    await setMode(base, "enduco", "refresh_invalid_grant");
    await setMode(base, "exorlive", "refresh_invalid_grant");

    await assertOAuthError(await tdRefresh(String(td.refresh_token)), 400, "invalid_grant");
    await assertOAuthError(await enRefresh(String(en.refresh_token)), 400, "invalid_grant");
    await assertOAuthError(await exToken({ grant_type: "refresh_token", refresh_token: String(ex.refresh_token) }), 400, "invalid_grant");
    assert.equal((await tdExchange(await tdCode(undefined, { username: "lee" }))).status, 200, "code exchange unaffected");
    assert.equal((await enToken({ grant_type: "code", code: await enCode(), redirect_uri: CALLBACK })).status, 200);

    const tdRecords = await recorded("trainerday", "token");
    assert.deepEqual(
      tdRecords.map((r) => [r.grantType, r.status, r.account]),
      [
        ["authorization_code", 200, "kim"],
        ["refresh_token", 400, "kim"],
        ["authorization_code", 200, "lee"],
      ],
    );
    assert.deepEqual(
      (await recorded("enduco", "token")).filter((r) => r.grantType === "refresh_token").map((r) => [r.status, r.account]),
      [[400, "kim"]],
    );

    await setMode(base, "trainerday", "normal");
    assert.equal((await tdRefresh(String(td.refresh_token))).status, 200, "the mode revokes nothing");
  });

  test("the new modes are refused for FitRankings", async () => {
    for (const mode of ["short_expiry", "omit_refresh_token", "refresh_invalid_grant"]) {
      const res = await fetch(`${base}/__sandbox/mode`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ service: "fitrankings", mode }),
      });
      assert.equal(res.status, 400);
      assert.equal((await json(res)).error, "unknown_mode");
    }
  });
});

describe("random_faults and seed", () => {
  let fast: RunningSandbox;

  before(async () => {
    fast = await startSandbox({ port: 0, env: cleanEnv, tokenTimeoutMs: 20, log: () => {} });
  });

  after(async () => {
    await fast.close();
  });

  /** 40 FitRankings master-token requests under random_faults after reset (+ seed); their statuses. */
  async function faultRun(seedValue: number | undefined): Promise<number[]> {
    await fetch(`${fast.url}/__sandbox/reset`, { method: "POST" });
    if (seedValue !== undefined) assert.equal((await seed(fast.url, seedValue)).status, 200);
    await setMode(fast.url, "fitrankings", "random_faults");
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const res = await fetch(`${fast.url}/fitrankings/iq/tokens/master-token/`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ client_id: FR.id, client_secret: FR.secret }),
      });
      statuses.push(res.status);
      await res.text();
    }
    return statuses;
  }

  test("a fixed seed gives a reproducible mix of 503, hang (504) and normal answers", async () => {
    const first = await faultRun(42);
    const second = await faultRun(42);
    assert.deepEqual(second, first, "same seed, same sequence");
    const count = (status: number): number => first.filter((s) => s === status).length;
    assert.ok(count(503) > 0 && count(504) > 0 && count(200) > 0, JSON.stringify(first));
    assert.equal(count(503) + count(504) + count(200), 40);
    assert.deepEqual(
      (await recorded("fitrankings", "master-token", fast.url)).map((r) => r.status),
      second,
    );
    assert.equal((await stats(fast.url)).tokenRequests, 40);
    assert.notDeepEqual(await faultRun(43), first, "another seed, another sequence");
    assert.notDeepEqual(await faultRun(undefined), first, "reset clears the seed");
  });

  test("random_faults is accepted for all four services and leaves revoke alone; seed validation", async () => {
    for (const service of ["trainerday", "enduco", "fitrankings", "exorlive"]) await setMode(base, service, "random_faults");
    for (let i = 0; i < 10; i += 1) {
      assert.equal((await postForm(`${base}/trainerday/oauth/revoke`, { token: "sbx-td-at-unknown" })).status, 200);
    }
    for (const bad of ["7", 1.5, null, Number.MAX_SAFE_INTEGER + 2]) {
      const res = await seed(base, bad);
      assert.equal(res.status, 400, String(bad));
      assert.deepEqual(await res.json(), { error: "invalid_seed" });
    }
    assert.deepEqual(await (await seed(base, -1)).json(), { seed: -1 });
    assert.equal((await fetch(`${base}/__sandbox/seed`)).status, 405);
  });

  test("a client retrying faulted refreshes with the same token under seeded random_faults never reuses one", async () => {
    await onSandbox(fast.url, async () => {
      await fetch(`${fast.url}/__sandbox/reset`, { method: "POST" });
      let rt = String((await tdTokens()).refresh_token);
      assert.equal((await seed(fast.url, 7)).status, 200);
      await setMode(fast.url, "trainerday", "random_faults");
      let served = 0;
      let faulted = 0;
      while (served < 10) {
        const res = await tdRefresh(rt);
        if (res.status === 200) {
          rt = String((await json(res)).refresh_token);
          served += 1;
        } else {
          assert.ok(res.status === 503 || res.status === 504, String(res.status));
          await res.text();
          faulted += 1;
        }
      }
      assert.ok(faulted > 0);
      const s = await stats(fast.url);
      assert.deepEqual(s.refreshRequests, { trainerday: 10, enduco: 0, exorlive: 0 });
      assert.deepEqual(s.refreshReuse, { trainerday: 0, enduco: 0, exorlive: 0 });
      assert.equal(s.tokenRequests, 1 + 10 + faulted);
    });
  });
});
