import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { NextRequest } from "next/server";
import { GET } from "@/app/api/metrics/route";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { getFreshAccessToken } from "@/lib/connections/refresh";
import { linkFailure } from "@/lib/linking/responses";
import { parseExposition, sampleValue, type Sample } from "@/lib/metrics/exposition";
import { observeServiceCall } from "@/lib/metrics/registry";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

const TOKEN = "metrics-token-for-unit-tests-0123456789";
process.env.METRICS_TOKEN = TOKEN; // before anything reads env (validated once, on the first read)

let env: Awaited<ReturnType<typeof startLifecycleEnv>>;
before(async () => {
  env = await startLifecycleEnv();
});
after(() => env.sandbox.close());

const get = (authorization?: string) =>
  GET(new NextRequest("http://localhost:3000/api/metrics", { headers: authorization ? { authorization } : {} }));

async function scrape(): Promise<Sample[]> {
  const res = await get(`Bearer ${TOKEN}`);
  assert.equal(res.status, 200);
  return parseExposition(await res.text());
}

/** Every sample of `name` as "labels → value", to compare two scrapes. */
const series = (samples: Sample[], name: string) =>
  Object.fromEntries(samples.filter((s) => s.name === name).map((s) => [JSON.stringify(s.labels), s.value]));

/** The change of each series of `name` between two scrapes, only the series that moved. */
function moved(before: Sample[], after: Sample[], name: string): Record<string, number> {
  const [a, b] = [series(before, name), series(after, name)];
  return Object.fromEntries(
    Object.entries(b)
      .map(([labels, value]) => [labels, value - (a[labels] ?? 0)] as const)
      .filter(([, delta]) => delta !== 0),
  );
}
const key = (service: string, outcome: string) => JSON.stringify({ service, outcome });

describe("GET /api/metrics with METRICS_TOKEN set", () => {
  it("answers 401 with WWW-Authenticate: Bearer without the token or with a wrong one", async () => {
    for (const authorization of [undefined, "Bearer wrong", `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN.toUpperCase()}`]) {
      const res = await get(authorization);
      assert.equal(res.status, 401, String(authorization));
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
      const body = await res.text();
      assert.ok(!body.includes("trainlink_"), "no metrics");
      assert.ok(!body.includes(TOKEN), "the token is not echoed");
    }
  });

  it("answers 200 with the text exposition, no-store, every counter series at 0 from the start, the gauges and the process metrics", async () => {
    const res = await get(`Bearer ${TOKEN}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const samples = parseExposition(await res.text());
    for (const service of ["trainerday", "enduco", "fitrankings", "exorlive"]) {
      for (const outcome of ["success", "service_failure", "reauth_required", "credentials_rejected"])
        assert.equal(sampleValue(samples, "trainlink_refresh_total", { service, outcome }), 0);
      for (const outcome of ["success", "failure"]) assert.equal(sampleValue(samples, "trainlink_link_total", { service, outcome }), 0);
      for (const outcome of ["revoked", "pending", "refused"])
        assert.equal(sampleValue(samples, "trainlink_revocation_total", { service, outcome }), 0);
      assert.equal(sampleValue(samples, "trainlink_service_call_duration_seconds_count", { service, endpoint: "refresh" }), 0);
    }
    for (const name of [
      "trainlink_connections",
      "trainlink_refresh_backlog",
      "trainlink_refresher_lag_seconds",
      "trainlink_sign_in_throttled",
      "trainlink_process_cpu_user_seconds_total",
      "trainlink_process_resident_memory_bytes",
      "trainlink_nodejs_eventloop_lag_seconds",
    ]) {
      assert.ok(
        samples.some((s) => s.name === name),
        name,
      );
    }
  });

  it("a link and a refresh through the real sandbox move link success and refresh success by exactly 1; the connection shows in the gauge", async () => {
    const start = await scrape();
    const { connectionId } = await env.linkAthlete("trainerday");
    await env.expire(connectionId);
    await getFreshAccessToken(connectionId);
    const end = await scrape();
    assert.deepEqual(moved(start, end, "trainlink_link_total"), { [key("trainerday", "success")]: 1 });
    assert.deepEqual(moved(start, end, "trainlink_refresh_total"), { [key("trainerday", "success")]: 1 });
    assert.equal(sampleValue(end, "trainlink_connections", { service: "trainerday", status: "connected" }), 1);
  });

  it("a refresh the sandbox refuses with invalid_grant moves reauth_required by exactly 1, and nothing else", async () => {
    const { connectionId } = await env.linkAthlete("trainerday");
    await env.expire(connectionId);
    const start = await scrape();
    await env.mode("trainerday", "refresh_invalid_grant");
    try {
      await assert.rejects(getFreshAccessToken(connectionId));
    } finally {
      await env.mode("trainerday", "normal");
    }
    const end = await scrape();
    assert.deepEqual(moved(start, end, "trainlink_refresh_total"), { [key("trainerday", "reauth_required")]: 1 });
    assert.equal(sampleValue(end, "trainlink_connections", { service: "trainerday", status: "needs_reauth" }), 1);
  });

  it("a 503 from the token endpoint moves service_failure by 1; a refused client secret moves credentials_rejected by 1", async () => {
    const first = await env.linkAthlete("trainerday");
    const second = await env.linkAthlete("trainerday");
    await env.expire(first.connectionId);
    await env.expire(second.connectionId);
    const start = await scrape();
    try {
      await env.mode("trainerday", "token_503");
      await assert.rejects(getFreshAccessToken(first.connectionId));
      await env.mode("trainerday", "client_rejected");
      await assert.rejects(getFreshAccessToken(second.connectionId));
    } finally {
      await env.mode("trainerday", "normal");
    }
    const end = await scrape();
    assert.deepEqual(moved(start, end, "trainlink_refresh_total"), {
      [key("trainerday", "service_failure")]: 1,
      [key("trainerday", "credentials_rejected")]: 1,
    });
    assert.equal(sampleValue(end, "trainlink_connections", { service: "trainerday", status: "refresh_failing" }), 1);
  });

  it("disconnects count revoked, pending (the service is down) and refused by service; a failed link counts failure", async () => {
    const ok = await env.linkAthlete("trainerday");
    const down = await env.linkAthlete("trainerday");
    const refusing = await env.linkAthlete("trainerday");
    const start = await scrape();
    assert.deepEqual(await disconnectConnection({ athleteId: ok.userId, actorId: ok.userId, service: "trainerday" }), { revoked: true });
    try {
      await env.mode("trainerday", "revoke_503");
      assert.deepEqual(await disconnectConnection({ athleteId: down.userId, actorId: down.userId, service: "trainerday" }), {
        revoked: false,
        pending: true,
      });
      await env.mode("trainerday", "revoke_refused");
      assert.ok("refused" in (await disconnectConnection({ athleteId: refusing.userId, actorId: refusing.userId, service: "trainerday" })));
    } finally {
      await env.mode("trainerday", "normal");
    }
    await linkFailure(
      { id: ok.userId, email: "x@test.example", name: "Test", role: "athlete" },
      "enduco",
      "access_denied",
      "service answered error=access_denied",
    );
    const end = await scrape();
    assert.deepEqual(moved(start, end, "trainlink_revocation_total"), {
      [key("trainerday", "revoked")]: 1,
      [key("trainerday", "pending")]: 1,
      [key("trainerday", "refused")]: 1,
    });
    assert.deepEqual(moved(start, end, "trainlink_link_total"), { [key("enduco", "failure")]: 1 });
    assert.equal(sampleValue(end, "trainlink_connections", { service: "trainerday", status: "revocation_pending" }), 1);
  });

  it("observeServiceCall records the latency in seconds by service and endpoint kind; unknown kinds go to other", async () => {
    const start = await scrape();
    observeServiceCall({ service: "enduco", endpoint: "refresh", status: 200, latencyMs: 120, outcome: "ok" });
    observeServiceCall({ service: "enduco", endpoint: "something-new", status: null, latencyMs: 3000, outcome: "timeout" });
    const end = await scrape();
    const refresh = { service: "enduco", endpoint: "refresh" };
    assert.equal(sampleValue(end, "trainlink_service_call_duration_seconds_count", refresh), 1);
    assert.equal(sampleValue(end, "trainlink_service_call_duration_seconds_sum", refresh), 0.12);
    assert.equal(sampleValue(end, "trainlink_service_call_duration_seconds_bucket", { ...refresh, le: "0.1" }), 0);
    assert.equal(sampleValue(end, "trainlink_service_call_duration_seconds_bucket", { ...refresh, le: "0.25" }), 1);
    assert.deepEqual(moved(start, end, "trainlink_service_call_duration_seconds_count"), {
      [JSON.stringify(refresh)]: 1,
      [JSON.stringify({ service: "enduco", endpoint: "other" })]: 1,
    });
  });
});
