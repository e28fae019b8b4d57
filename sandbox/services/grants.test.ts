/**
 * Shared token-endpoint logic (sandbox/services/grants.ts): a rotated-away refresh token presented again is recorded
 * `reused` and counted in /__sandbox/stats.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  assertOAuthError,
  base,
  enRefresh,
  enTokens,
  exToken,
  exTokens,
  json,
  recorded,
  sandboxPerFile,
  stats,
  tdRefresh,
  tdTokens,
} from "../test-helpers.js";

sandboxPerFile();

describe("refresh reuse and stats", () => {
  test("TrainerDay: presenting a rotated-away refresh token is recorded reused and counted", async () => {
    assert.deepEqual(await stats(), {
      refreshRequests: { trainerday: 0, enduco: 0, exorlive: 0 },
      refreshReuse: { trainerday: 0, enduco: 0, exorlive: 0 },
      tokenRequests: 0,
    });
    const first = await tdTokens({ username: "rita" });
    const second = await json(await tdRefresh(String(first.refresh_token)));
    await assertOAuthError(await tdRefresh(String(first.refresh_token)), 400, "invalid_grant");
    assert.equal((await tdRefresh(String(second.refresh_token))).status, 200, "reuse is detected, nothing revoked");
    await assertOAuthError(await tdRefresh("sbx-td-rt-never-issued"), 400, "invalid_grant");

    const refreshes = (await recorded("trainerday", "token")).filter((r) => r.grantType === "refresh_token");
    assert.deepEqual(
      refreshes.map((r) => [r.status, r.reused, r.account]),
      [
        [200, undefined, "rita"],
        [400, true, "rita"],
        [200, undefined, "rita"],
        [400, undefined, undefined],
      ],
    );
    // enduco does not rotate: presenting the same refresh token twice is no reuse. ExorLive rotates.
    const en = await enTokens();
    assert.equal((await enRefresh(String(en.refresh_token))).status, 200);
    assert.equal((await enRefresh(String(en.refresh_token))).status, 200);
    const ex = await exTokens();
    assert.equal((await exToken({ grant_type: "refresh_token", refresh_token: String(ex.refresh_token) })).status, 200);
    await assertOAuthError(await exToken({ grant_type: "refresh_token", refresh_token: String(ex.refresh_token) }), 400, "invalid_grant");
    assert.deepEqual(await stats(), {
      refreshRequests: { trainerday: 4, enduco: 2, exorlive: 2 },
      refreshReuse: { trainerday: 1, enduco: 0, exorlive: 1 },
      tokenRequests: 11,
    });
    await fetch(`${base}/__sandbox/reset`, { method: "POST" });
    assert.equal((await stats()).tokenRequests, 0);
  });
});
