/**
 * The shared browser flow (sandbox/services/browser-flow.ts), through TrainerDay: authorize validation, state,
 * the consent page and its decision.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CALLBACK, TD, base, consent, parseConsent, postForm, sandboxPerFile, tdAuthorizeUrl } from "../test-helpers.js";

sandboxPerFile();

describe("browser flow (TrainerDay's authorize and consent)", () => {
  test("no state in the request → no state in the redirect", async () => {
    const { location } = await consent(tdAuthorizeUrl("calendar:read"));
    assert.equal(location.searchParams.has("state"), false);
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
