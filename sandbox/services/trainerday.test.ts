/** Tests for the four-service OAuth sandbox (sandbox/), run in-process on a free port. */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from "jose";
import { startSandbox, type RunningSandbox } from "../server.js";

const TD = { id: "sandbox-trainerday-client", secret: "sandbox-trainerday-secret" };
const EN = { id: "sandbox-enduco-client", secret: "sandbox-enduco-secret" };
const FR = { id: "sandbox-fitrankings-client", secret: "sandbox-fitrankings-secret" };
const EX = { id: "sandbox-exorlive-client", secret: "sandbox-exorlive-secret", requester: "http://localhost:3000/exorlive" };
const CALLBACK = "http://localhost:3000/api/callback?provider=x";

let sandbox: RunningSandbox;
let base: string;
const logLines: string[] = [];

/** Process env without the app's real credentials, so defaults apply whatever the shell has. */
const cleanEnv: Record<string, string | undefined> = {};

before(async () => {
  sandbox = await startSandbox({ port: 0, env: cleanEnv, tokenTimeoutMs: 300, log: (l) => logLines.push(l) });
  base = sandbox.url;
});

after(async () => {
  await sandbox.close();
});

beforeEach(async () => {
  await fetch(`${base}/__sandbox/reset`, { method: "POST" });
});

// ---------- helpers ----------

function form(values: Record<string, string>): URLSearchParams {
  return new URLSearchParams(values);
}

async function postForm(url: string, values: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", body: form(values), headers, redirect: "manual" });
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

function basic(id: string, secret: string): string {
  const enc = (s: string): string => new URLSearchParams({ v: s }).toString().slice(2); // form-urlencoding
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`, "utf8").toString("base64")}`;
}

async function setMode(url: string, service: string, mode: string): Promise<void> {
  const res = await fetch(`${url}/__sandbox/mode`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ service, mode }),
  });
  assert.equal(res.status, 200);
}

interface ConsentOptions {
  username?: string;
  uncheck?: string[];
  decision?: "approve" | "deny";
}

interface ParsedConsent {
  action: string;
  requestId: string;
  username: string;
  scopes: string[];
}

function parseConsent(html: string): ParsedConsent {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  const username = /id="username" name="username" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(action && requestId && username, "consent page has form, request id and username");
  const scopes = [...html.matchAll(/type="checkbox" id="scope-\d+" name="scope" value="([^"]+)" checked/g)].map((m) => m[1] ?? "");
  return { action, requestId, username, scopes };
}

/** Opens an authorize URL, submits the consent form, returns the redirect Location. */
async function consent(authorizeUrl: string, opts: ConsentOptions = {}): Promise<{ location: URL; page: ParsedConsent }> {
  const res = await fetch(authorizeUrl, { redirect: "manual" });
  assert.equal(res.status, 200, "consent page shown");
  const page = parseConsent(await res.text());
  const body = new URLSearchParams({ request_id: page.requestId, username: opts.username ?? page.username });
  for (const s of page.scopes) if (!opts.uncheck?.includes(s)) body.append("scope", s);
  body.append("decision", opts.decision ?? "approve");
  const decided = await fetch(`${new URL(authorizeUrl).origin}${page.action}`, { method: "POST", body, redirect: "manual" });
  assert.equal(decided.status, 302);
  const location = decided.headers.get("location");
  assert.ok(location);
  return { location: new URL(location), page };
}

function tdAuthorizeUrl(scope: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ client_id: TD.id, redirect_uri: CALLBACK, response_type: "code", scope, ...extra });
  return `${base}/trainerday/oauth/authorize/?${q.toString()}`;
}

async function tdCode(scope = "calendar:read workout:read", opts: ConsentOptions = {}): Promise<string> {
  const { location } = await consent(tdAuthorizeUrl(scope), opts);
  const code = location.searchParams.get("code");
  assert.ok(code);
  return code;
}

async function tdExchange(code: string, redirectUri = CALLBACK): Promise<Response> {
  return postForm(`${base}/trainerday/oauth/token`, {
    grant_type: "authorization_code",
    code,
    client_id: TD.id,
    client_secret: TD.secret,
    redirect_uri: redirectUri,
  });
}

async function tdTokens(opts: ConsentOptions = {}): Promise<Record<string, unknown>> {
  const res = await tdExchange(await tdCode(undefined, opts));
  assert.equal(res.status, 200);
  return json(res);
}

async function tdRefresh(refreshToken: string): Promise<Response> {
  return postForm(`${base}/trainerday/oauth/token`, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: TD.id,
    client_secret: TD.secret,
  });
}

async function assertOAuthError(res: Response, status: number, error: string): Promise<void> {
  assert.equal(res.status, status);
  const body = await json(res);
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, "string");
}

// ---------- TrainerDay ----------

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

  test("no state in the request → no state in the redirect", async () => {
    const { location } = await consent(tdAuthorizeUrl("calendar:read"));
    assert.equal(location.searchParams.has("state"), false);
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

    const revocations = (await (
      await fetch(`${base}/__sandbox/requests?service=trainerday&endpoint=revoke`)
    ).json()) as Array<Record<string, unknown>>;
    assert.equal(revocations.length, 2);
    assert.equal(revocations[0]?.status, 200);
    assert.equal(revocations[0]?.account, "alice");
    assert.equal(revocations[1]?.account, undefined);
  });

  test("revoke also accepts RFC 7009 client authentication in the body (wrong credentials: 401) and a token_type_hint", async () => {
    const tokens = await tdTokens({ username: "carol" });
    const wrong = await postForm(`${base}/trainerday/oauth/revoke`, { token: String(tokens.access_token), client_id: "sandbox-trainerday-client", client_secret: "nope" });
    await assertOAuthError(wrong, 401, "invalid_client");
    assert.equal((await tdRefresh(String(tokens.refresh_token))).status, 200, "a refused revocation revokes nothing");
    const right = await postForm(`${base}/trainerday/oauth/revoke`, {
      token: String(tokens.access_token),
      token_type_hint: "access_token",
      client_id: "sandbox-trainerday-client",
      client_secret: "sandbox-trainerday-secret",
    });
    assert.equal(right.status, 200);
    const revocations = (await (await fetch(`${base}/__sandbox/requests?service=trainerday&endpoint=revoke`)).json()) as Array<Record<string, unknown>>;
    assert.deepEqual(revocations.slice(-2).map((r) => [r.status, r.clientAuth]), [[401, true], [200, true]]);
  });

  test("authorize errors: unvalidated requests get a 400 page, never a redirect", async () => {
    const cases: Array<Record<string, string>> = [
      { client_id: "someone-else", redirect_uri: CALLBACK, response_type: "code", scope: "calendar:read" },
      { client_id: TD.id, response_type: "code", scope: "calendar:read" },
      { client_id: TD.id, redirect_uri: "javascript:alert(1)", response_type: "code", scope: "calendar:read" },
      { client_id: TD.id, redirect_uri: CALLBACK, response_type: "token", scope: "calendar:read" },
    ];
    for (const params of cases) {
      const res = await fetch(`${base}/trainerday/oauth/authorize?${new URLSearchParams(params).toString()}`, {
        redirect: "manual",
      });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get("location"), null);
      assert.match(res.headers.get("content-type") ?? "", /text\/html/);
      await res.text();
    }
  });

  test("unsupported scope → redirect with error=invalid_scope and state", async () => {
    const res = await fetch(tdAuthorizeUrl("calendar:read activities:read", { state: "s1" }), { redirect: "manual" });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get("location") ?? "");
    assert.equal(location.searchParams.get("error"), "invalid_scope");
    assert.equal(location.searchParams.get("state"), "s1");
  });

  test("Deny → error=access_denied with state; approving no scope is a denial too", async () => {
    const denied = await consent(tdAuthorizeUrl("calendar:read", { state: "deny-me" }), { decision: "deny" });
    assert.equal(denied.location.searchParams.get("error"), "access_denied");
    assert.equal(denied.location.searchParams.get("state"), "deny-me");
    assert.equal(denied.location.searchParams.has("code"), false);
    const none = await consent(tdAuthorizeUrl("calendar:read", { state: "s2" }), { uncheck: ["calendar:read"] });
    assert.equal(none.location.searchParams.get("error"), "access_denied");
    assert.equal(none.location.searchParams.get("state"), "s2");
  });

  test("a consent request id is single use", async () => {
    const res = await fetch(tdAuthorizeUrl("calendar:read"));
    const page = parseConsent(await res.text());
    const body = { request_id: page.requestId, username: "bob", scope: "calendar:read", decision: "approve" };
    assert.equal((await postForm(`${base}${page.action}`, body)).status, 302);
    const again = await postForm(`${base}${page.action}`, body);
    assert.equal(again.status, 400);
    assert.equal(again.headers.get("location"), null);
  });
});

// ---------- enduco ----------

function enAuthorizeUrl(url: string, clientId: string, scope = "workouts_write plans_read user_read", state = "en-state"): string {
  const q = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: CALLBACK, scope, state });
  return `${url}/enduco/oauth2/authorize?${q.toString()}`;
}

async function enCode(opts: ConsentOptions = {}, url = base, clientId = EN.id): Promise<string> {
  const { location } = await consent(enAuthorizeUrl(url, clientId), opts);
  assert.equal(location.searchParams.get("state"), "en-state");
  const code = location.searchParams.get("code");
  assert.match(code ?? "", /^sbx-en-code-[0-9a-f]{32}$/);
  return code ?? "";
}

async function enToken(values: Record<string, string>, auth = basic(EN.id, EN.secret), url = base): Promise<Response> {
  return postForm(`${url}/enduco/oauth2/token`, values, { Authorization: auth });
}

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
    await assertOAuthError(
      await enToken({ grant_type: "authorization_code", code, redirect_uri: CALLBACK }),
      400,
      "unsupported_grant_type",
    );
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
      const savedBase = base;
      base = special.url;
      try {
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
      } finally {
        base = savedBase;
      }
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
    const tokens = await json(
      await enToken({ grant_type: "code", code: await enCode({ username: "gina" }), redirect_uri: CALLBACK }),
    );
    const refreshToken = String(tokens.refresh_token);
    const unauth = await postForm(`${base}/enduco/oauth2/revoke`, { token_type_hint: "refresh_token", token: refreshToken });
    assert.equal(unauth.status, 401);
    const res = await postForm(
      `${base}/enduco/oauth2/revoke`,
      { token_type_hint: "refresh_token", token: refreshToken },
      { Authorization: basic(EN.id, EN.secret) },
    );
    assert.equal(res.status, 200);
    await assertOAuthError(
      await enToken({ grant_type: "refresh_token", refresh_token: refreshToken, clientId: EN.id }),
      400,
      "invalid_grant",
    );
    const recorded = (await (
      await fetch(`${base}/__sandbox/requests?service=enduco&endpoint=revoke`)
    ).json()) as Array<Record<string, unknown>>;
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

// ---------- FitRankings ----------

describe("FitRankings", () => {
  test("callback carries token and user_id, keeps its query, never echoes state", async () => {
    const q = new URLSearchParams({ client_id: FR.id, callback_uri: "https://app.example/fr/callback?next=%2Fhome", state: "zzz" });
    const { location, page } = await consent(`${base}/fitrankings/iq/oauth2/?${q.toString()}`, { username: "hank" });
    assert.deepEqual(page.scopes, []);
    assert.equal(location.origin + location.pathname, "https://app.example/fr/callback");
    assert.equal(location.searchParams.get("next"), "/home");
    assert.match(location.searchParams.get("token") ?? "", /^sbx-fr-ut-[0-9a-f]{32}$/);
    assert.match(location.searchParams.get("user_id") ?? "", /^\d+$/);
    assert.equal(location.searchParams.has("state"), false);

    const me = await fetch(`${base}/fitrankings/iq/users/me/`, {
      headers: { Authorization: `Token ${location.searchParams.get("token") ?? ""}` },
    });
    assert.equal(me.status, 200);
    assert.deepEqual(await me.json(), { id: Number(location.searchParams.get("user_id")), username: "hank" });
    assert.equal((await fetch(`${base}/fitrankings/iq/users/me/`, { headers: { Authorization: "Token nope" } })).status, 401);

    // Without callback_uri the last one is reused; same username → same user_id.
    const reuse = await consent(`${base}/fitrankings/iq/oauth2?client_id=${FR.id}`, { username: "hank" });
    assert.equal(reuse.location.origin + reuse.location.pathname, "https://app.example/fr/callback");
    assert.equal(reuse.location.searchParams.get("user_id"), location.searchParams.get("user_id"));
  });

  test("Deny → error=access_denied; unknown client or no callback ever → 400 page", async () => {
    const q = new URLSearchParams({ client_id: FR.id, callback_uri: "https://app.example/cb" });
    const { location } = await consent(`${base}/fitrankings/iq/oauth2/?${q.toString()}`, { decision: "deny" });
    assert.equal(location.searchParams.get("error"), "access_denied");
    assert.equal(location.searchParams.has("token"), false);
    await fetch(`${base}/__sandbox/reset`, { method: "POST" });
    assert.equal((await fetch(`${base}/fitrankings/iq/oauth2/?client_id=${FR.id}`, { redirect: "manual" })).status, 400);
    assert.equal((await fetch(`${base}/fitrankings/iq/oauth2/?client_id=x&callback_uri=https://a.b/`, { redirect: "manual" })).status, 400);
  });

  test("master token: ok, 401 on wrong credentials, 400 on bad JSON, master_token_401 mode", async () => {
    const post = (body: string): Promise<Response> =>
      fetch(`${base}/fitrankings/iq/tokens/master-token/`, {
        method: "POST",
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body,
      });
    const ok = await post(JSON.stringify({ client_id: FR.id, client_secret: FR.secret }));
    assert.equal(ok.status, 200);
    const body = await json(ok);
    assert.deepEqual(Object.keys(body), ["token"]);
    assert.match(String(body.token), /^sbx-fr-mt-[0-9a-f]{32}$/);
    const wrong = await post(JSON.stringify({ client_id: FR.id, client_secret: "nope" }));
    assert.equal(wrong.status, 401);
    assert.deepEqual(await wrong.json(), { detail: "Invalid client credentials." });
    assert.equal((await post("{not json")).status, 400);
    await setMode(base, "fitrankings", "master_token_401");
    assert.equal((await post(JSON.stringify({ client_id: FR.id, client_secret: FR.secret }))).status, 401);
    const recorded = (await (
      await fetch(`${base}/__sandbox/requests?service=fitrankings&endpoint=master-token`)
    ).json()) as Array<Record<string, unknown>>;
    assert.deepEqual(
      recorded.map((r) => r.status),
      [200, 401, 400, 401],
    );
  });
});

// ---------- ExorLive ----------

function exAuthorizeUrl(overrides: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    user_id: "12345",
    response_type: "code",
    client_id: EX.id,
    client_secret: EX.secret,
    redirect_uri: EX.requester,
    scope: "read_profile read_workout create_session",
    ...overrides,
  });
  return `${base}/exorlive/Providers/OAuth/Authorize.aspx?${q.toString()}`;
}

async function exToken(values: Record<string, string>): Promise<Response> {
  return postForm(`${base}/exorlive/Providers/OAuth/Token.ashx`, {
    client_id: EX.id,
    client_secret: EX.secret,
    redirect_uri: EX.requester,
    ...values,
  });
}

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
    await assertOAuthError(
      await exToken({ grant_type: "refresh_token", refresh_token: String(body.refresh_token) }),
      400,
      "invalid_grant",
    );
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

// ---------- failure modes and control API ----------

describe("failure modes and control API", () => {
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
    const recorded = (await (
      await fetch(`${base}/__sandbox/requests?service=trainerday&endpoint=token`)
    ).json()) as Array<Record<string, unknown>>;
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

  test("close() does not wait for a pending token_timeout", async () => {
    const other = await startSandbox({ port: 0, env: cleanEnv, log: () => {} });
    await setMode(other.url, "exorlive", "token_timeout");
    const pending = fetch(`${other.url}/exorlive/Providers/OAuth/Token.ashx`, { method: "POST", body: form({ grant_type: "x" }) });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await other.close();
    assert.ok(Date.now() - started < 2000);
    await assert.rejects(pending);
  });

  test("mode validation, expire, reset, health, 404, 413, index", async () => {
    const badMode = await fetch(`${base}/__sandbox/mode`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ service: "trainerday", mode: "unknown_user" }),
    });
    assert.equal(badMode.status, 400);
    await badMode.text();
    const badJson = await fetch(`${base}/__sandbox/mode`, { method: "POST", body: "{" });
    assert.equal(badJson.status, 400);
    await badJson.text();

    await tdTokens({ username: "ivy" });
    await tdTokens({ username: "jon" });
    const expire = await fetch(`${base}/__sandbox/expire`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ service: "trainerday", account: "ivy" }),
    });
    assert.deepEqual(await expire.json(), { expired: 1 });
    const list = (await (await fetch(`${base}/__sandbox/tokens?service=trainerday`)).json()) as Array<Record<string, unknown>>;
    const access = list.filter((t) => t.kind === "access");
    assert.deepEqual(
      access.map((t) => [t.account, t.active]),
      [
        ["ivy", false],
        ["jon", true],
      ],
    );

    assert.deepEqual(await (await fetch(`${base}/__sandbox/health`)).json(), { ok: true });
    await fetch(`${base}/__sandbox/reset`, { method: "POST" });
    assert.deepEqual(await (await fetch(`${base}/__sandbox/tokens`)).json(), []);

    const missing = await fetch(`${base}/nowhere`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: "not_found" });

    const huge = await fetch(`${base}/trainerday/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `grant_type=${"a".repeat(70 * 1024)}`,
    });
    assert.equal(huge.status, 413);
    await huge.text();

    const index = await (await fetch(`${base}/`)).text();
    for (const id of ["trainerday", "enduco", "fitrankings", "exorlive"]) assert.ok(index.includes(`${base}/${id}`));
  });

  test("the log never contains tokens, codes or secrets", async () => {
    const tokens = await tdTokens();
    await tdRefresh(String(tokens.refresh_token));
    const code = await tdCode();
    const secrets = [String(tokens.access_token), String(tokens.refresh_token), code, TD.secret, "sbx-"];
    assert.ok(logLines.length > 0);
    for (const line of logLines) {
      assert.match(line, /^[A-Z]+ \S+ (\d{3}|aborted)$/);
      for (const s of secrets) assert.ok(!line.includes(s), `log line leaks: ${line}`);
    }
  });
});

// ---------- refresh-related modes ----------

async function sandboxTokens(service: string, url = base): Promise<Array<Record<string, unknown>>> {
  return (await (await fetch(`${url}/__sandbox/tokens?service=${service}`)).json()) as Array<Record<string, unknown>>;
}

async function recorded(service: string, endpoint: string, url = base): Promise<Array<Record<string, unknown>>> {
  return (await (
    await fetch(`${url}/__sandbox/requests?service=${service}&endpoint=${endpoint}`)
  ).json()) as Array<Record<string, unknown>>;
}

/** Lifetime in seconds of the sandbox's record of an access token. */
async function recordedLifetime(service: string, accessToken: unknown): Promise<number> {
  const entry = (await sandboxTokens(service)).find((t) => t.value === accessToken);
  assert.ok(entry && typeof entry.expiresAt === "string" && typeof entry.issuedAt === "string");
  return (Date.parse(entry.expiresAt) - Date.parse(entry.issuedAt)) / 1000;
}

async function enTokens(username?: string): Promise<Record<string, unknown>> {
  const code = await enCode(username !== undefined ? { username } : {});
  const res = await enToken({ grant_type: "code", code, redirect_uri: CALLBACK });
  assert.equal(res.status, 200);
  return json(res);
}

async function enRefresh(refreshToken: string, url = base): Promise<Response> {
  return enToken({ grant_type: "refresh_token", refresh_token: refreshToken, clientId: EN.id }, basic(EN.id, EN.secret), url);
}

async function exTokens(): Promise<Record<string, unknown>> {
  const { code } = (await (await fetch(exAuthorizeUrl())).json()) as { code: string };
  const res = await exToken({ grant_type: "authorization_code", code });
  assert.equal(res.status, 200);
  return json(res);
}

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

  test("short_expiry: ExorLive answers the string \"305\"; enduco 305 with the JWT exp to match", async () => {
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
    await assertOAuthError(
      await exToken({ grant_type: "refresh_token", refresh_token: String(ex.refresh_token) }),
      400,
      "invalid_grant",
    );
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

// ---------- enduco webhooks ----------

interface ReceivedHook {
  method: string;
  path: string;
  contentType: string;
  body: unknown;
}

/** A tiny webhook receiver on a free port; answers `status` (changeable) and keeps what it got. */
async function startReceiver(): Promise<{ url: string; received: ReceivedHook[]; setStatus(s: number): void; server: Server }> {
  const received: ReceivedHook[] = [];
  let status = 204;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        contentType: req.headers["content-type"] ?? "",
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown,
      });
      res.writeHead(status, status === 302 ? { Location: "http://127.0.0.1:1/elsewhere" } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, setStatus: (s) => (status = s), server };
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function fireWebhook(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/__sandbox/enduco/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("enduco webhooks", () => {
  test("plan_changed and deregister reach the configured URLs with the JWT sub; deregister revokes", async () => {
    const receiver = await startReceiver();
    const hooked = await startSandbox({
      port: 0,
      env: {
        ENDUCO_DEREGISTER_WEBHOOK_URL: `${receiver.url}/hooks/deregister?k=s3cret`,
        ENDUCO_PLAN_CHANGED_WEBHOOK_URL: `${receiver.url}/hooks/plan`,
      },
      log: () => {},
    });
    try {
      const link = async (username: string): Promise<Record<string, unknown>> => {
        const code = await enCode({ username }, hooked.url);
        const res = await enToken({ grant_type: "code", code, redirect_uri: CALLBACK }, basic(EN.id, EN.secret), hooked.url);
        assert.equal(res.status, 200);
        return json(res);
      };
      const tokens = await link("wendy");
      const other = await link("xavier");
      const sub = decodeJwt(String(tokens.access_token)).sub;
      assert.match(String(sub), /^[0-9a-f]{24}$/);

      const before = Date.now();
      const plan = await fireWebhook(hooked.url, { kind: "plan_changed", account: "wendy" });
      assert.equal(plan.status, 200);
      assert.deepEqual(await plan.json(), { delivered: true, status: 204 });
      assert.equal(receiver.received.length, 1);
      const first = receiver.received[0];
      assert.ok(first);
      assert.equal(first.method, "POST");
      assert.equal(first.path, "/hooks/plan");
      assert.equal(first.contentType, "application/json");
      const planBody = first.body as Record<string, unknown>;
      assert.deepEqual(Object.keys(planBody), ["userId", "event", "occurredAt"]);
      assert.equal(planBody.userId, sub);
      assert.equal(planBody.event, "plan_changed");
      const at = Date.parse(String(planBody.occurredAt));
      assert.ok(at >= before - 1000 && at <= Date.now() + 1000);
      assert.equal(new Date(at).toISOString(), planBody.occurredAt);
      assert.equal((await enRefresh(String(tokens.refresh_token), hooked.url)).status, 200, "plan_changed revokes nothing");

      receiver.setStatus(500);
      const dereg = await fireWebhook(hooked.url, { kind: "deregister", account: "wendy" });
      assert.deepEqual(await dereg.json(), { delivered: true, status: 500 });
      const second = receiver.received[1];
      assert.ok(second);
      assert.equal(second.path, "/hooks/deregister?k=s3cret");
      assert.deepEqual({ ...(second.body as Record<string, unknown>), occurredAt: "" }, {
        userId: sub,
        event: "deregister",
        occurredAt: "",
      });
      await assertOAuthError(await enRefresh(String(tokens.refresh_token), hooked.url), 400, "invalid_grant");
      const list = await sandboxTokens("enduco", hooked.url);
      assert.ok(list.filter((t) => t.account === "wendy").every((t) => t.active === false));
      assert.equal((await enRefresh(String(other.refresh_token), hooked.url)).status, 200, "other accounts untouched");

      receiver.setStatus(302);
      const moved = await fireWebhook(hooked.url, { kind: "plan_changed", account: "xavier" });
      assert.deepEqual(await moved.json(), { delivered: true, status: 302 }, "redirects are not followed");
      assert.equal(receiver.received.length, 3);

      assert.deepEqual(
        (await recorded("enduco", "webhook", hooked.url)).map((r) => [r.service, r.endpoint, r.event, r.status, r.account]),
        [
          ["enduco", "webhook", "plan_changed", 204, "wendy"],
          ["enduco", "webhook", "deregister", 500, "wendy"],
          ["enduco", "webhook", "plan_changed", 302, "xavier"],
        ],
      );

      await closeServer(receiver.server);
      const down = await fireWebhook(hooked.url, { kind: "plan_changed", account: "wendy" });
      assert.equal(down.status, 502);
      assert.deepEqual(await down.json(), { error: "webhook_unreachable" });
      const last = (await recorded("enduco", "webhook", hooked.url)).at(-1);
      assert.equal(last?.status, 0);
    } finally {
      await hooked.close();
      await closeServer(receiver.server);
    }
  });

  test("a receiver that never answers → 502 after the webhook timeout", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer(() => {
      /* never answers */
    });
    silent.on("connection", (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const hooked = await startSandbox({
      port: 0,
      env: { ENDUCO_PLAN_CHANGED_WEBHOOK_URL: `http://127.0.0.1:${port}/` },
      webhookTimeoutMs: 200,
      log: () => {},
    });
    try {
      const started = Date.now();
      const res = await fireWebhook(hooked.url, { kind: "plan_changed", account: "yara" });
      assert.equal(res.status, 502);
      assert.deepEqual(await res.json(), { error: "webhook_unreachable" });
      assert.ok(Date.now() - started >= 150);
      const unset = await fireWebhook(hooked.url, { kind: "deregister", account: "yara" });
      assert.equal(unset.status, 409, "only the plan-changed URL is configured");
      await unset.text();
    } finally {
      await hooked.close();
      for (const s of sockets) s.destroy();
      await closeServer(silent);
    }
  });

  test("unconfigured URL → 409 without revoking; bad bodies → 400; bad URL fails start without echoing it", async () => {
    const tokens = await enTokens("zoe");
    const res = await fireWebhook(base, { kind: "deregister", account: "zoe" });
    assert.equal(res.status, 409);
    assert.deepEqual(await res.json(), { error: "webhook_url_not_configured" });
    assert.equal((await enRefresh(String(tokens.refresh_token))).status, 200, "nothing revoked");
    assert.deepEqual(await recorded("enduco", "webhook"), []);

    const bad: unknown[] = ["{", [], { kind: "cancelled", account: "zoe" }, { kind: "deregister" }, { kind: "deregister", account: "no spaces" }];
    for (const body of bad) {
      const r = await fireWebhook(base, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      await r.text();
    }
    const get = await fetch(`${base}/__sandbox/enduco/webhook`);
    assert.equal(get.status, 405);
    await get.text();

    await assert.rejects(
      startSandbox({ port: 0, env: { ENDUCO_DEREGISTER_WEBHOOK_URL: "ftp://host/secret-path" }, log: () => {} }),
      (err: Error) => err.message.includes("ENDUCO_DEREGISTER_WEBHOOK_URL") && !err.message.includes("secret-path"),
    );
  });
});

// ---------- PKCE ----------

/** RFC 7636 Appendix B. */
const RFC7636 = {
  verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
  challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
};

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url"); // 64 characters
  return { verifier, challenge: createHash("sha256").update(verifier, "ascii").digest("base64url") };
}

function withChallenge(authorizeUrl: string, challenge: string, method = "S256"): string {
  return `${authorizeUrl}&${new URLSearchParams({ code_challenge: challenge, code_challenge_method: method }).toString()}`;
}

async function codeFrom(authorizeUrl: string): Promise<string> {
  const code = (await consent(authorizeUrl)).location.searchParams.get("code");
  assert.ok(code);
  return code;
}

async function tdExchangeWith(code: string, extra: Record<string, string>): Promise<Response> {
  return postForm(`${base}/trainerday/oauth/token`, {
    grant_type: "authorization_code",
    code,
    client_id: TD.id,
    client_secret: TD.secret,
    redirect_uri: CALLBACK,
    ...extra,
  });
}

async function enExchangeWith(code: string, extra: Record<string, string>): Promise<Response> {
  return enToken({ grant_type: "code", code, redirect_uri: CALLBACK, ...extra });
}

/** The `pkce` field of every recorded token request of a service, in order. */
async function pkceFlags(service: string): Promise<unknown[]> {
  return (await recorded(service, "token")).map((r) => [r.status, r.pkce]);
}

/** Redirect of an authorize request answered without a consent page. */
async function authorizeRedirect(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: "manual" });
  assert.equal(res.status, 302);
  return new URL(res.headers.get("location") ?? "");
}

describe("PKCE (S256)", () => {
  test("TrainerDay: the RFC 7636 example verifier redeems a code bound to its challenge; recorded pkce: true", async () => {
    const code = await codeFrom(withChallenge(tdAuthorizeUrl("calendar:read", { state: "p1" }), RFC7636.challenge));
    const res = await tdExchangeWith(code, { code_verifier: RFC7636.verifier });
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.match(String(body.refresh_token), /^sbx-td-rt-/);
    assert.deepEqual(await pkceFlags("trainerday"), [[200, true]]);
  });

  test("enduco: happy path with a random 64-character verifier", async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFrom(withChallenge(enAuthorizeUrl(base, EN.id), challenge));
    const res = await enExchangeWith(code, { code_verifier: verifier });
    assert.equal(res.status, 200);
    assert.equal((await json(res)).token_type, "Bearer");
    assert.deepEqual(await pkceFlags("enduco"), [[200, true]]);
  });

  test("wrong verifier → invalid_grant and the code is burnt", async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFrom(withChallenge(tdAuthorizeUrl("calendar:read"), challenge));
    await assertOAuthError(await tdExchangeWith(code, { code_verifier: pkcePair().verifier }), 400, "invalid_grant");
    await assertOAuthError(await tdExchangeWith(code, { code_verifier: verifier }), 400, "invalid_grant");
    assert.deepEqual(await pkceFlags("trainerday"), [
      [400, true],
      [400, false], // already used: refused before any verifier check
    ]);

    // A verifier that hashes to the challenge but is too short for RFC 7636 §4.1 is refused too.
    const short = "abc";
    const shortChallenge = createHash("sha256").update(short).digest("base64url");
    const enCodeValue = await codeFrom(withChallenge(enAuthorizeUrl(base, EN.id), shortChallenge));
    await assertOAuthError(await enExchangeWith(enCodeValue, { code_verifier: short }), 400, "invalid_grant");
  });

  test("missing verifier → invalid_grant and the code is burnt (both services)", async () => {
    const td = pkcePair();
    const tdCodeValue = await codeFrom(withChallenge(tdAuthorizeUrl("calendar:read"), td.challenge));
    await assertOAuthError(await tdExchangeWith(tdCodeValue, {}), 400, "invalid_grant");
    await assertOAuthError(await tdExchangeWith(tdCodeValue, { code_verifier: td.verifier }), 400, "invalid_grant");

    const en = pkcePair();
    const enCodeValue = await codeFrom(withChallenge(enAuthorizeUrl(base, EN.id), en.challenge));
    await assertOAuthError(await enExchangeWith(enCodeValue, {}), 400, "invalid_grant");
    await assertOAuthError(await enExchangeWith(enCodeValue, { code_verifier: en.verifier }), 400, "invalid_grant");
    assert.deepEqual(await pkceFlags("enduco"), [
      [400, true],
      [400, false],
    ]);
  });

  test("plain, a missing method, another method or a malformed challenge → redirect with invalid_request", async () => {
    const { challenge } = pkcePair();
    const plain = await authorizeRedirect(withChallenge(tdAuthorizeUrl("calendar:read", { state: "s-plain" }), challenge, "plain"));
    assert.equal(plain.searchParams.get("error"), "invalid_request");
    assert.equal(plain.searchParams.get("state"), "s-plain");
    assert.equal(plain.searchParams.has("code"), false);
    assert.equal(`${plain.origin}${plain.pathname}`, "http://localhost:3000/api/callback");

    const noMethod = await authorizeRedirect(`${tdAuthorizeUrl("calendar:read")}&code_challenge=${challenge}`);
    assert.equal(noMethod.searchParams.get("error"), "invalid_request", "no method means plain");
    const enPlain = await authorizeRedirect(withChallenge(enAuthorizeUrl(base, EN.id), challenge, "plain"));
    assert.equal(enPlain.searchParams.get("error"), "invalid_request");
    assert.equal(enPlain.searchParams.get("state"), "en-state");
    const other = await authorizeRedirect(withChallenge(enAuthorizeUrl(base, EN.id), challenge, "S512"));
    assert.equal(other.searchParams.get("error"), "invalid_request");
    const malformed = await authorizeRedirect(withChallenge(tdAuthorizeUrl("calendar:read"), "too-short"));
    assert.equal(malformed.searchParams.get("error"), "invalid_request");
    const methodOnly = await authorizeRedirect(`${tdAuthorizeUrl("calendar:read")}&code_challenge_method=S256`);
    assert.equal(methodOnly.searchParams.get("error"), "invalid_request");
  });

  test("no challenge: exchanged as before, a verifier sent anyway is ignored; recorded pkce: false", async () => {
    assert.equal((await tdExchangeWith(await tdCode(), {})).status, 200);
    assert.equal((await tdExchangeWith(await tdCode(), { code_verifier: pkcePair().verifier })).status, 200);
    assert.equal((await enExchangeWith(await enCode(), { code_verifier: "not even well-formed" })).status, 200);
    assert.deepEqual(await pkceFlags("trainerday"), [
      [200, false],
      [200, false],
    ]);
    assert.deepEqual(await pkceFlags("enduco"), [[200, false]]);
  });
});

// ---------- random_faults, seed, refresh reuse, stats ----------

async function seed(url: string, value: unknown): Promise<Response> {
  return fetch(`${url}/__sandbox/seed`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ seed: value }),
  });
}

async function stats(url = base): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/__sandbox/stats`);
  assert.equal(res.status, 200);
  return json(res);
}

/** Runs `fn` with the shared helpers (tdTokens, tdRefresh, …) pointed at another sandbox. */
async function onSandbox<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const saved = base;
  base = url;
  try {
    return await fn();
  } finally {
    base = saved;
  }
}

describe("random_faults, seed, refresh reuse and stats", () => {
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
    await assertOAuthError(
      await exToken({ grant_type: "refresh_token", refresh_token: String(ex.refresh_token) }),
      400,
      "invalid_grant",
    );
    assert.deepEqual(await stats(), {
      refreshRequests: { trainerday: 4, enduco: 2, exorlive: 2 },
      refreshReuse: { trainerday: 1, enduco: 0, exorlive: 1 },
      tokenRequests: 11,
    });
    await fetch(`${base}/__sandbox/reset`, { method: "POST" });
    assert.equal((await stats()).tokenRequests, 0);
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
