import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NextRequest } from "next/server";
import { proxy } from "@/proxy";

// proxy.ts called directly: a signed-out page view of a signed-in section goes to sign in with the page it asked
// for (issue 18 point 5). Next.js only calls the proxy for those pages when no session cookie is present (its
// matcher's `missing`); the proxy checks the cookie again itself.
function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  return proxy(new NextRequest(`http://localhost:3000${path}`, { method, headers: { host: "localhost:3000", ...headers } }));
}

describe("proxy.ts: signed-out page views carry the requested page to sign in", () => {
  it("redirects with path and query as callbackUrl", () => {
    for (const path of ["/coach/athletes/3f2a", "/admin/audit?kind=user_created&actor=a%40b.example", "/connections", "/settings"]) {
      const response = get(path);
      assert.equal(response.status, 307, path);
      const location = new URL(response.headers.get("location")!);
      assert.equal(location.origin, "http://localhost:3000");
      assert.equal(location.pathname, "/login");
      assert.equal(location.searchParams.get("callbackUrl"), path, path);
    }
  });

  it("drops a client navigation's _rsc parameter", () => {
    const location = new URL(get("/coach?filter=attention&_rsc=abc123").headers.get("location")!);
    assert.equal(location.searchParams.get("callbackUrl"), "/coach?filter=attention");
    assert.equal(new URL(get("/coach?_rsc=abc").headers.get("location")!).searchParams.get("callbackUrl"), "/coach");
  });

  it("never carries a path that would leave our own sections", () => {
    assert.equal(get("/coach/..%2F..%2Fapi/auth/signout").headers.get("location"), "http://localhost:3000/login");
  });

  it("leaves requests with a session cookie, server actions and other methods to the app", () => {
    for (const cookie of ["next-auth.session-token=x", "__Secure-next-auth.session-token=x", "next-auth.session-token.0=x"]) {
      assert.equal(get("/coach", { cookie }).headers.get("location"), null, cookie);
    }
    assert.equal(get("/coach", { "next-action": "abc" }, "POST").headers.get("location"), null);
    assert.equal(get("/coach", {}, "POST").headers.get("location"), null);
  });

  it("leaves /api and the CSV exports alone: route handlers answer signed-out callers themselves", () => {
    assert.equal(get("/api/v1/me").headers.get("location"), null);
    assert.equal(get("/coach/export").headers.get("location"), null);
    assert.equal(get("/admin/audit/export?kind=user_created").headers.get("location"), null);
  });
});
