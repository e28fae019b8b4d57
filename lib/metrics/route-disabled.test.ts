import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { NextRequest } from "next/server";
import { GET } from "@/app/api/metrics/route";
import { openMigratedDb } from "@/tests/helpers/db";

// Its own file: env is validated once per process, and this one must never see METRICS_TOKEN.
delete process.env.METRICS_TOKEN;

before(async () => {
  await openMigratedDb();
});

describe("GET /api/metrics without METRICS_TOKEN", () => {
  it("answers 404, as if the route did not exist, with or without a bearer token", async () => {
    for (const headers of [{}, { authorization: "Bearer some-token-someone-guessed" }] as Record<string, string>[]) {
      const res = await GET(new NextRequest("http://localhost:3000/api/metrics", { headers }));
      assert.equal(res.status, 404);
      assert.equal(res.headers.get("www-authenticate"), null);
      assert.ok(!(await res.text()).includes("trainlink_"));
    }
  });
});
