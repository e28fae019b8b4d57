/**
 * FitRankings emulator (sandbox/services/fitrankings.ts): callback with a user token, users/me, master token; and
 * the control API's revocation of a user's token (`POST /__sandbox/fitrankings/revoke-user-token`).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FR, base, consent, json, recorded, sandboxPerFile, sandboxTokens, setMode } from "../test-helpers.js";

sandboxPerFile();

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
    const recorded = (await (await fetch(`${base}/__sandbox/requests?service=fitrankings&endpoint=master-token`)).json()) as Array<
      Record<string, unknown>
    >;
    assert.deepEqual(
      recorded.map((r) => r.status),
      [200, 401, 400, 401],
    );
  });

  test("revoke-user-token: every token of that user answers 401 at users/me from then on; other users are untouched", async () => {
    const link = async (username: string): Promise<string> => {
      const q = new URLSearchParams({ client_id: FR.id, callback_uri: "https://app.example/fr/callback" });
      const { location } = await consent(`${base}/fitrankings/iq/oauth2/?${q.toString()}`, { username });
      return location.searchParams.get("token") ?? "";
    };
    const me = (token: string): Promise<Response> => fetch(`${base}/fitrankings/iq/users/me/`, { headers: { Authorization: `Token ${token}` } });
    const revoke = (body: unknown): Promise<Response> =>
      fetch(`${base}/__sandbox/fitrankings/revoke-user-token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    const [first, second, other] = [await link("kim"), await link("kim"), await link("lou")];
    for (const token of [first, second, other]) assert.equal((await me(token)).status, 200);

    const done = await revoke({ account: "kim" });
    assert.equal(done.status, 200);
    assert.deepEqual(await done.json(), { revoked: 2 });
    for (const token of [first, second]) {
      const refused = await me(token);
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get("www-authenticate"), "Token");
      assert.deepEqual(await refused.json(), { detail: "Invalid token." });
    }
    assert.equal((await me(other)).status, 200, "another user's token still works");
    const kim = (await sandboxTokens("fitrankings")).filter((t) => t.account === "kim");
    assert.deepEqual(
      kim.map((t) => t.active),
      [false, false],
    );
    assert.deepEqual((await recorded("fitrankings", "verify")).filter((r) => r.status === 401).length, 2);

    // Idempotent; a new link after the revocation works again.
    assert.deepEqual(await (await revoke({ account: "kim" })).json(), { revoked: 0 });
    assert.equal((await me(await link("kim"))).status, 200);

    for (const [body, error] of [
      ["{", "invalid_json"],
      [{}, "invalid_account"],
      [{ account: "no spaces allowed" }, "invalid_account"],
      [{ account: 7 }, "invalid_account"],
    ] as const) {
      const bad = await revoke(body);
      assert.equal(bad.status, 400);
      assert.deepEqual(await bad.json(), { error });
    }
    assert.equal((await fetch(`${base}/__sandbox/fitrankings/revoke-user-token`)).status, 405);
  });
});
