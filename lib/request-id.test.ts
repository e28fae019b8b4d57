import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NextRequest } from "next/server";
import { proxy } from "@/proxy";

// proxy.ts (Next.js 16's middleware) called directly: the request id it forwards and returns, and its Origin check.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function call(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return proxy(
    new NextRequest(`http://localhost:3000${path}`, { method: init.method ?? "GET", headers: { host: "localhost:3000", ...init.headers } }),
  );
}

/** The id the app sees (a request header proxy.ts overrides) and the id on the response. */
function ids(response: Response) {
  return { forwarded: response.headers.get("x-middleware-request-x-request-id"), returned: response.headers.get("x-request-id") };
}

describe("proxy.ts: request id", () => {
  it("gives a request without an id a random UUID, forwarded to the app and set on the response", () => {
    const first = ids(call("/api/health"));
    assert.match(first.returned ?? "", UUID);
    assert.equal(first.forwarded, first.returned);
    assert.notEqual(ids(call("/api/health")).returned, first.returned);
  });

  it("keeps a well-formed incoming x-request-id (a load balancer's)", () => {
    assert.deepEqual(ids(call("/api/v1/athletes", { headers: { "x-request-id": "lb-7f3c9a2e.01" } })), {
      forwarded: "lb-7f3c9a2e.01",
      returned: "lb-7f3c9a2e.01",
    });
  });

  it("replaces one that is too short, too long or holds other characters", () => {
    for (const bad of ["abc", "x".repeat(65), "id with spaces", "id<script>1234"]) {
      const { forwarded, returned } = ids(call("/api/health", { headers: { "x-request-id": bad } }));
      assert.match(returned ?? "", UUID, bad);
      assert.equal(forwarded, returned);
    }
  });
});

describe("proxy.ts: Origin check (docs/SECURITY.md row 11) kept", () => {
  it("refuses a cross-site or null-Origin POST under /api with 403, still with a request id", async () => {
    for (const origin of ["https://evil.example", "null", "not a url"]) {
      const response = call("/api/v1/connections", { method: "POST", headers: { origin } });
      assert.equal(response.status, 403, origin);
      assert.deepEqual(await response.json(), { error: "cross_origin_request_refused" });
      assert.match(response.headers.get("x-request-id") ?? "", UUID);
    }
  });

  it("lets same-origin, Origin-less and safe requests through", () => {
    assert.equal(call("/api/v1/connections", { method: "POST", headers: { origin: "http://localhost:3000" } }).headers.get("x-middleware-next"), "1");
    assert.equal(call("/api/webhooks/enduco/x/y", { method: "POST" }).headers.get("x-middleware-next"), "1");
    assert.equal(call("/api/health", { headers: { origin: "https://evil.example" } }).headers.get("x-middleware-next"), "1");
  });

  it("leaves server actions' Origin to Next.js: a POST to a page only gets its id", () => {
    const response = call("/settings", { method: "POST", headers: { origin: "https://evil.example", "next-action": "abc" } });
    assert.equal(response.headers.get("x-middleware-next"), "1");
    assert.match(response.headers.get("x-request-id") ?? "", UUID);
  });
});
