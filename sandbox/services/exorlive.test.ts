/**
 * ExorLive emulator (sandbox/services/exorlive.ts): Authorize.aspx → {code}, Token.ashx, the requester-URL client
 * check, case-insensitive paths.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertOAuthError, base, exAuthorizeUrl, exToken, json, postForm, sandboxPerFile, setMode } from "../test-helpers.js";

sandboxPerFile();

describe("ExorLive", () => {
  test("code then token: string expires_in, lower-case bearer; refresh rotates; code single use", async () => {
    const auth = await fetch(exAuthorizeUrl(), { redirect: "manual" });
    assert.equal(auth.status, 200);
    const { code } = (await auth.json()) as { code: string };
    assert.match(code, /^sbx-ex-code-[0-9a-f]{32}$/);
    const res = await exToken({ grant_type: "authorization_code", code });
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.deepEqual(Object.keys(body), ["access_token", "token_type", "expires_in", "refresh_token", "scope"]);
    assert.equal(body.token_type, "bearer");
    assert.equal(body.expires_in, "7200");
    assert.equal(body.scope, "read_profile read_workout create_session");
    assert.match(String(body.access_token), /^sbx-ex-at-/);
    await assertOAuthError(await exToken({ grant_type: "authorization_code", code }), 400, "invalid_grant");

    const refreshed = await exToken({ grant_type: "refresh_token", refresh_token: String(body.refresh_token) });
    assert.equal(refreshed.status, 200);
    assert.notEqual((await json(refreshed)).refresh_token, body.refresh_token);
    await assertOAuthError(await exToken({ grant_type: "refresh_token", refresh_token: String(body.refresh_token) }), 400, "invalid_grant");
    const tokens = (await (await fetch(`${base}/__sandbox/tokens?service=exorlive`)).json()) as Array<Record<string, unknown>>;
    assert.ok(tokens.every((t) => t.account === "12345"));
  });

  test("wrong requester URL, id or secret → 401 invalid_client; bad user_id → 400; unknown_user → 404", async () => {
    const wrongClients: Array<Record<string, string>> = [
      { redirect_uri: "http://localhost:3000/exorlive/" },
      { client_secret: "x" },
      { client_id: "x" },
    ];
    for (const overrides of wrongClients) {
      const res = await fetch(exAuthorizeUrl(overrides));
      assert.equal(res.status, 401);
      assert.equal((await json(res)).error, "invalid_client");
    }
    const { code } = (await (await fetch(exAuthorizeUrl())).json()) as { code: string };
    await assertOAuthError(
      await exToken({ grant_type: "authorization_code", code, redirect_uri: "https://elsewhere.example/" }),
      401,
      "invalid_client",
    );
    const bad = await fetch(exAuthorizeUrl({ user_id: "12a" }));
    assert.equal(bad.status, 400);
    assert.equal((await json(bad)).error, "invalid_request");
    await setMode(base, "exorlive", "unknown_user");
    const unknown = await fetch(exAuthorizeUrl());
    assert.equal(unknown.status, 404);
    assert.equal((await json(unknown)).error, "invalid_user");
  });

  test("paths are case-insensitive; no revoke endpoint", async () => {
    const res = await fetch(exAuthorizeUrl().replace("/Providers/OAuth/Authorize.aspx", "/providers/oauth/authorize.aspx"));
    assert.equal(res.status, 200);
    await res.text();
    const revoke = await postForm(`${base}/exorlive/Providers/OAuth/Revoke.ashx`, { token: "x" });
    assert.equal(revoke.status, 404);
  });
});
