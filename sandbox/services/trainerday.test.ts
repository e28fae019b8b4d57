/** TrainerDay emulator (sandbox/services/trainerday.ts): code exchange, body client credentials, rotation, revocation. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CALLBACK,
  TD,
  assertOAuthError,
  base,
  basic,
  consent,
  json,
  postForm,
  sandboxPerFile,
  tdAuthorizeUrl,
  tdCode,
  tdExchange,
  tdRefresh,
  tdTokens,
} from "../test-helpers.js";

sandboxPerFile();

describe("TrainerDay", () => {
  test("authorize → consent with one scope unchecked → token exchange grants only checked scopes", async () => {
    const state = "st a+b/=?&é";
    const { location, page } = await consent(tdAuthorizeUrl("calendar:read calendar:write workout:read", { state }), {
      uncheck: ["calendar:write"],
    });
    assert.deepEqual(page.scopes, ["calendar:read", "calendar:write", "workout:read"]);
    assert.match(page.username, /^trainerday-user-[0-9a-f]{6}$/);
    assert.equal(`${location.origin}${location.pathname}`, "http://localhost:3000/api/callback");
    assert.equal(location.searchParams.get("provider"), "x", "existing query kept");
    assert.equal(location.searchParams.get("state"), state, "state returned exactly");
    const code = location.searchParams.get("code");
    assert.match(code ?? "", /^sbx-td-code-[0-9a-f]{32}$/);

    const res = await tdExchange(code ?? "");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = await json(res);
    assert.deepEqual(Object.keys(body), ["access_token", "expires_in", "token_type", "scope", "refresh_token"]);
    assert.match(String(body.access_token), /^sbx-td-at-[0-9a-f]{32}$/);
    assert.match(String(body.refresh_token), /^sbx-td-rt-[0-9a-f]{32}$/);
    assert.equal(body.expires_in, 3600);
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.scope, "calendar:read workout:read");
  });

  test("a code is single use", async () => {
    const code = await tdCode();
    assert.equal((await tdExchange(code)).status, 200);
    await assertOAuthError(await tdExchange(code), 400, "invalid_grant");
  });

  test("redirect_uri must match the authorize request", async () => {
    const code = await tdCode();
    await assertOAuthError(await tdExchange(code, "http://localhost:3000/other"), 400, "invalid_grant");
    assert.equal((await tdExchange(code)).status, 200, "a mismatched attempt does not burn the code");
  });

  test("client credentials must be in the body and correct", async () => {
    const code = await tdCode();
    const wrong = await postForm(`${base}/trainerday/oauth/token`, {
      grant_type: "authorization_code",
      code,
      client_id: TD.id,
      client_secret: "nope",
      redirect_uri: CALLBACK,
    });
    await assertOAuthError(wrong, 401, "invalid_client");
    const basicOnly = await postForm(
      `${base}/trainerday/oauth/token`,
      { grant_type: "authorization_code", code, redirect_uri: CALLBACK },
      { Authorization: basic(TD.id, TD.secret) },
    );
    await assertOAuthError(basicOnly, 401, "invalid_client");
  });

  test("unsupported grant types and JSON bodies are refused", async () => {
    const res = await postForm(`${base}/trainerday/oauth/token`, {
      grant_type: "password",
      client_id: TD.id,
      client_secret: TD.secret,
    });
    await assertOAuthError(res, 400, "unsupported_grant_type");
    const jsonBody = await fetch(`${base}/trainerday/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token" }),
    });
    await assertOAuthError(jsonBody, 400, "invalid_request");
  });

  test("refresh rotates: new tokens, the old refresh token is then invalid_grant", async () => {
    const first = await tdTokens();
    const res = await tdRefresh(String(first.refresh_token));
    assert.equal(res.status, 200);
    const second = await json(res);
    assert.notEqual(second.access_token, first.access_token);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal(second.scope, "calendar:read workout:read");
    await assertOAuthError(await tdRefresh(String(first.refresh_token)), 400, "invalid_grant");
    assert.equal((await tdRefresh(String(second.refresh_token))).status, 200);
  });

  test("revoke invalidates the access token and its refresh token; unknown tokens still 200", async () => {
    const tokens = await tdTokens({ username: "alice" });
    const res = await postForm(`${base}/trainerday/oauth/revoke`, { token: String(tokens.access_token) });
    assert.equal(res.status, 200);
    await assertOAuthError(await tdRefresh(String(tokens.refresh_token)), 400, "invalid_grant");
    assert.equal((await postForm(`${base}/trainerday/oauth/revoke`, { token: "sbx-td-at-unknown" })).status, 200);

    const list = (await (await fetch(`${base}/__sandbox/tokens?service=trainerday`)).json()) as Array<Record<string, unknown>>;
    assert.ok(list.length >= 2);
    assert.ok(list.every((t) => t.active === false && t.account === "alice"));

    const revocations = (await (await fetch(`${base}/__sandbox/requests?service=trainerday&endpoint=revoke`)).json()) as Array<
      Record<string, unknown>
    >;
    assert.equal(revocations.length, 2);
    assert.equal(revocations[0]?.status, 200);
    assert.equal(revocations[0]?.account, "alice");
    assert.equal(revocations[1]?.account, undefined);
  });

  test("revoke also accepts RFC 7009 client authentication in the body (wrong credentials: 401) and a token_type_hint", async () => {
    const tokens = await tdTokens({ username: "carol" });
    const wrong = await postForm(`${base}/trainerday/oauth/revoke`, {
      token: String(tokens.access_token),
      client_id: "sandbox-trainerday-client",
      client_secret: "nope",
    });
    await assertOAuthError(wrong, 401, "invalid_client");
    assert.equal((await tdRefresh(String(tokens.refresh_token))).status, 200, "a refused revocation revokes nothing");
    const right = await postForm(`${base}/trainerday/oauth/revoke`, {
      token: String(tokens.access_token),
      token_type_hint: "access_token",
      client_id: "sandbox-trainerday-client",
      client_secret: "sandbox-trainerday-secret",
    });
    assert.equal(right.status, 200);
    const revocations = (await (await fetch(`${base}/__sandbox/requests?service=trainerday&endpoint=revoke`)).json()) as Array<
      Record<string, unknown>
    >;
    assert.deepEqual(
      revocations.slice(-2).map((r) => [r.status, r.clientAuth]),
      [
        [401, true],
        [200, true],
      ],
    );
  });
});
