import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { describe, it } from "node:test";
import { GET as scalarBundle } from "@/app/api/v1/docs/scalar.js/route";
import { apiReferencePage, SCALAR_BUNDLE_PATH, scalarVersion } from "@/lib/api/docs";

describe("the interactive API reference", () => {
  it("loads Scalar and the document from our own origin only, with web fonts off (CSP: scripts, fonts, connections from 'self')", async () => {
    const res = apiReferencePage();
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const html = await res.text();
    const sources = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(sources, [`/api/v1/docs/scalar.js?v=${scalarVersion()}`]);
    assert.doesNotMatch(html, /https?:\/\//, "no absolute URL in the page");
    assert.match(html, /"url": "\/api\/v1\/openapi\.json"/);
    assert.match(html, /"withDefaultFonts": false/);
    assert.match(html, /Scalar\.createApiReference\('#app'/);
  });

  it("serves Scalar's browser bundle whole, as JavaScript, cached for a year under a versioned URL", async () => {
    const res = scalarBundle();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(body.length, statSync(SCALAR_BUNDLE_PATH).size);
    assert.match(scalarVersion(), /^\d+\.\d+\.\d+/);
  });
});
