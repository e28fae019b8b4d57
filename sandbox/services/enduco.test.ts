/**
 * enduco emulator (sandbox/services/enduco.ts): grant_type=code, HTTP Basic client auth (RFC 6749 §2.3.1), the RS256
 * JWT access token, refresh without rotation, revocation.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from "jose";
import { startSandbox } from "../server.js";
import { CALLBACK, EN, assertOAuthError, base, basic, enCode, enToken, json, onSandbox, postForm, sandboxPerFile, setMode } from "../test-helpers.js";

sandboxPerFile();

describe("enduco", () => {
  test("grant_type=code with Basic auth; JWT access token shaped like the doc", async () => {
    const code = await enCode({ username: "erin", uncheck: ["user_read"] });
    const res = await enToken({ grant_type: "code", code, redirect_uri: CALLBACK });
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.deepEqual(Object.keys(body), ["access_token", "refresh_token", "scope", "token_type", "expires_in"]);
    assert.equal(body.expires_in, 7199);
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.scope, "workouts_write plans_read");
    assert.match(String(body.refresh_token), /^sbx-en-rt-[0-9a-f]{32}$/);

    const jwks = (await (await fetch(`${base}/__sandbox/enduco/jwks`)).json()) as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(String(body.access_token), createLocalJWKSet(jwks), {
      issuer: `${base}/enduco`,
      audience: EN.id,
    });
    assert.equal(protectedHeader.alg, "RS256");
    assert.match(String(payload.sub), /^[0-9a-f]{24}$/);
    assert.deepEqual(payload.scope, ["workouts_write", "plans_read"]);
    assert.ok(payload.jti && payload.nbf && payload.iat && payload.exp);

    const again = await enToken({ grant_type: "code", code: await enCode({ username: "erin" }), redirect_uri: CALLBACK });
    assert.equal(decodeJwt(String((await json(again)).access_token)).sub, payload.sub, "same username → same sub");
    const other = await enToken({ grant_type: "code", code: await enCode({ username: "frank" }), redirect_uri: CALLBACK });
    assert.notEqual(decodeJwt(String((await json(other)).access_token)).sub, payload.sub);
  });

  test("grant_type=authorization_code is refused by default; standard_grant_only reverses it", async () => {
    const code = await enCode();
    await assertOAuthError(await enToken({ grant_type: "authorization_code", code, redirect_uri: CALLBACK }), 400, "unsupported_grant_type");
    await setMode(base, "enduco", "standard_grant_only");
    await assertOAuthError(await enToken({ grant_type: "code", code, redirect_uri: CALLBACK }), 400, "unsupported_grant_type");
    assert.equal((await enToken({ grant_type: "authorization_code", code, redirect_uri: CALLBACK })).status, 200);
    const modes = (await (await fetch(`${base}/__sandbox/mode`)).json()) as Record<string, string>;
    assert.equal(modes.enduco, "standard_grant_only");
    await setMode(base, "enduco", "normal");
    assert.equal(((await (await fetch(`${base}/__sandbox/mode`)).json()) as Record<string, string>).enduco, "normal");
  });

  test("client authentication: HTTP Basic only, with a WWW-Authenticate challenge", async () => {
    const code = await enCode();
    const params = { grant_type: "code", code, redirect_uri: CALLBACK };
    const noAuth = await postForm(`${base}/enduco/oauth2/token`, { ...params, client_id: EN.id, client_secret: EN.secret });
    await assertOAuthError(noAuth, 401, "invalid_client");
    assert.match(noAuth.headers.get("www-authenticate") ?? "", /^Basic/);
    await assertOAuthError(await enToken(params, basic(EN.id, "wrong")), 401, "invalid_client");
    await assertOAuthError(await enToken(params, "Basic !!!not-base64"), 401, "invalid_client");
    await assertOAuthError(await enToken(params, `Basic ${Buffer.from("no-colon").toString("base64")}`), 401, "invalid_client");
    assert.equal((await enToken(params)).status, 200);
  });

  test("RFC 6749 §2.3.1 encoding of special characters; short-lived codes", async () => {
    const id = "client id+1";
    const secret = "s3cr:t+/ %&= é";
    const special = await startSandbox({
      port: 0,
      env: { ENDUCO_CLIENT_ID: id, ENDUCO_CLIENT_SECRET: secret },
      codeTtlMs: 200,
      log: () => {},
    });
    try {
      await onSandbox(special.url, async () => {
        const code = await enCode({}, special.url, id);
        const params = { grant_type: "code", code, redirect_uri: CALLBACK };
        const raw = `Basic ${Buffer.from(`${id}:${secret}`, "utf8").toString("base64")}`;
        await assertOAuthError(await enToken(params, raw, special.url), 401, "invalid_client");
        const ok = await enToken(params, basic(id, secret), special.url);
        assert.equal(ok.status, 200);
        const token = String((await json(ok)).access_token);
        assert.equal(decodeJwt(token).aud, id);

        const late = await enCode({}, special.url, id);
        await new Promise((r) => setTimeout(r, 300));
        await assertOAuthError(
          await enToken({ grant_type: "code", code: late, redirect_uri: CALLBACK }, basic(id, secret), special.url),
          400,
          "invalid_grant",
        );
      });
    } finally {
      await special.close();
    }
  });

  test("refresh returns a new access token and the same refresh token; clientId is required", async () => {
    const first = await json(await enToken({ grant_type: "code", code: await enCode(), redirect_uri: CALLBACK }));
    const refreshToken = String(first.refresh_token);
    const res = await enToken({ grant_type: "refresh_token", refresh_token: refreshToken, clientId: EN.id });
    assert.equal(res.status, 200);
    const second = await json(res);
    assert.equal(second.refresh_token, refreshToken);
    assert.notEqual(second.access_token, first.access_token);
    assert.equal(second.scope, "workouts_write plans_read user_read");
    await assertOAuthError(await enToken({ grant_type: "refresh_token", refresh_token: refreshToken }), 400, "invalid_request");
    assert.equal(
      (await enToken({ grant_type: "refresh_token", refresh_token: refreshToken, clientId: EN.id })).status,
      200,
      "still usable: no rotation",
    );
  });

  test("revoke the refresh token (Basic auth) → refresh fails; recorded with the account", async () => {
    const tokens = await json(await enToken({ grant_type: "code", code: await enCode({ username: "gina" }), redirect_uri: CALLBACK }));
    const refreshToken = String(tokens.refresh_token);
    const unauth = await postForm(`${base}/enduco/oauth2/revoke`, { token_type_hint: "refresh_token", token: refreshToken });
    assert.equal(unauth.status, 401);
    const res = await postForm(
      `${base}/enduco/oauth2/revoke`,
      { token_type_hint: "refresh_token", token: refreshToken },
      { Authorization: basic(EN.id, EN.secret) },
    );
    assert.equal(res.status, 200);
    await assertOAuthError(await enToken({ grant_type: "refresh_token", refresh_token: refreshToken, clientId: EN.id }), 400, "invalid_grant");
    const recorded = (await (await fetch(`${base}/__sandbox/requests?service=enduco&endpoint=revoke`)).json()) as Array<Record<string, unknown>>;
    assert.deepEqual(
      recorded.map((r) => [r.status, r.account]),
      [
        [401, undefined],
        [200, "gina"],
      ],
    );
    const tokenList = (await (await fetch(`${base}/__sandbox/tokens?service=enduco`)).json()) as Array<Record<string, unknown>>;
    assert.ok(tokenList.every((t) => t.active === false));
  });

  test("revoke_503 mode", async () => {
    await setMode(base, "enduco", "revoke_503");
    const res = await postForm(
      `${base}/enduco/oauth2/revoke`,
      { token_type_hint: "refresh_token", token: "x" },
      { Authorization: basic(EN.id, EN.secret) },
    );
    assert.equal(res.status, 503);
    assert.equal((await json(res)).error, "temporarily_unavailable");
  });
});
