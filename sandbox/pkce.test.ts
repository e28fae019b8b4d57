/**
 * PKCE, S256 only (sandbox/pkce.ts), on the TrainerDay and enduco code flows: the challenge at authorize, the
 * verifier at the token endpoint.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import {
  CALLBACK,
  EN,
  TD,
  assertOAuthError,
  base,
  consent,
  enAuthorizeUrl,
  enCode,
  enToken,
  json,
  postForm,
  recorded,
  sandboxPerFile,
  tdAuthorizeUrl,
  tdCode,
} from "./test-helpers.js";

sandboxPerFile();

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
