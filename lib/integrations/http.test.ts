import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { getFreshAccessToken } from "@/lib/connections/refresh";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { basicClientAuth, onServiceCall, postForm, request, ServiceError, type ServiceCall, type ServiceCallRecord } from "@/lib/integrations/http";
import { getIntegration, isServerToServer, isTokenInCallback } from "@/lib/integrations/registry";
import { captureLogs } from "@/lib/log";
import { failed } from "@/lib/result";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

describe("basicClientAuth (RFC 6749 §2.3.1)", () => {
  it("form-urlencodes id and secret before base64", () => {
    const header = basicClientAuth("client id", "s:e/c+r%t");
    const decoded = Buffer.from(header.replace(/^Basic /, ""), "base64").toString();
    assert.equal(decoded, "client+id:s%3Ae%2Fc%2Br%25t");
  });
});

// The sandbox (for the clients' labels) and a local server whose answers each test picks by path.
type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;
let server: Server;
let base: string;
const CANARY = "canary-access-7c41b9";

before(async () => {
  env = await startLifecycleEnv(); // sets OUTBOUND_TIMEOUT_MS to 1 500 ms
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/ok")
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: CANARY, refresh_token: CANARY }));
    if (path === "/down") return res.writeHead(503).end(`upstream ${CANARY}`);
    if (path === "/grant")
      return res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_grant", error_description: CANARY }));
    if (path === "/hang") return; // never answers: the client's timeout ends it
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  server.close();
  await env.sandbox.close();
});

const CALL: ServiceCall = { service: "trainerday", name: "TrainerDay", endpoint: "refresh" };

/** The "service call" lines `fn` logs, and everything it logged as text. */
async function serviceCalls(fn: () => Promise<unknown>) {
  const lines = await captureLogs(() => fn().catch(() => undefined));
  return { calls: lines.filter((l) => l.msg === "service call"), text: JSON.stringify(lines) };
}

/** A line's service call fields, without the latency (checked apart). */
const fields = (line: Record<string, unknown>) => ({ service: line.service, endpoint: line.endpoint, status: line.status, outcome: line.outcome });

describe("one log line per outbound call", () => {
  it("ok: status 200, outcome ok, and none of the tokens in the answer", async () => {
    const { calls, text } = await serviceCalls(() => postForm(CALL, `${base}/ok?refresh_token=${CANARY}`, { refresh_token: CANARY }));
    assert.equal(calls.length, 1);
    assert.deepEqual(fields(calls[0]!), { service: "trainerday", endpoint: "refresh", status: 200, outcome: "ok" });
    assert.equal(calls[0]!.level, "info");
    assert.equal(typeof calls[0]!.latencyMs, "number");
    assert.ok((calls[0]!.latencyMs as number) >= 0 && (calls[0]!.latencyMs as number) < 1500);
    assert.doesNotMatch(text, new RegExp(CANARY));
    assert.doesNotMatch(text, /127\.0\.0\.1|\/ok/, "no URL");
  });

  it("5xx: the status and outcome unavailable", async () => {
    const { calls, text } = await serviceCalls(() => request({ ...CALL, endpoint: "verify" }, `${base}/down`, { method: "GET" }));
    assert.deepEqual(calls.map(fields), [{ service: "trainerday", endpoint: "verify", status: 503, outcome: "unavailable" }]);
    assert.doesNotMatch(text, new RegExp(CANARY));
  });

  it("invalid_grant: status 400, outcome invalid_grant, not the service's description", async () => {
    const { calls, text } = await serviceCalls(() => postForm({ ...CALL, endpoint: "token" }, `${base}/grant`, { code: CANARY }));
    assert.deepEqual(calls.map(fields), [{ service: "trainerday", endpoint: "token", status: 400, outcome: "invalid_grant" }]);
    assert.doesNotMatch(text, new RegExp(CANARY));
  });

  it("timeout: no status (null), outcome timeout, latency about OUTBOUND_TIMEOUT_MS", async () => {
    const { calls } = await serviceCalls(() => request(CALL, `${base}/hang`, { method: "GET" }));
    assert.deepEqual(calls.map(fields), [{ service: "trainerday", endpoint: "refresh", status: null, outcome: "timeout" }]);
    assert.ok((calls[0]!.latencyMs as number) >= 1400, `latency ${String(calls[0]!.latencyMs)} ms`);
  });

  it("nobody listening: status null, outcome network; the ServiceError still reaches the caller", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    let thrown: unknown;
    const { calls } = await serviceCalls(() =>
      request(CALL, `http://127.0.0.1:${port}/`, { method: "GET" }).catch((error: unknown) => {
        thrown = error;
      }),
    );
    assert.deepEqual(calls.map(fields), [{ service: "trainerday", endpoint: "refresh", status: null, outcome: "network" }]);
    assert.ok(thrown instanceof ServiceError && thrown.kind === "network");
  });
});

describe("onServiceCall", () => {
  it("tells each listener the record of every call until it unregisters; a throwing listener changes nothing", async () => {
    const seen: ServiceCallRecord[] = [];
    const stop = onServiceCall((record) => seen.push(record));
    const stopThrowing = onServiceCall(() => {
      throw new Error("a broken metrics hook");
    });
    try {
      assert.deepEqual(await postForm(CALL, `${base}/ok`, {}), { access_token: CANARY, refresh_token: CANARY });
      await assert.rejects(postForm(CALL, `${base}/grant`, {}), (error: unknown) => error instanceof ServiceError && error.kind === "invalid_grant");
    } finally {
      stop();
      stopThrowing();
    }
    await postForm(CALL, `${base}/ok`, {});
    assert.deepEqual(
      seen.map(({ latencyMs, ...rest }) => (assert.equal(typeof latencyMs, "number"), rest)),
      [
        { service: "trainerday", endpoint: "refresh", status: 200, outcome: "ok" },
        { service: "trainerday", endpoint: "refresh", status: 400, outcome: "invalid_grant" },
      ],
    );
  });
});

describe("each client labels its calls (against the sandbox)", () => {
  it("TrainerDay: token, refresh, revoke", async () => {
    let linked: Awaited<ReturnType<Env["linkAthlete"]>> | undefined;
    const link = await serviceCalls(async () => (linked = await env.linkAthlete("trainerday")));
    assert.deepEqual(link.calls.map(fields), [{ service: "trainerday", endpoint: "token", status: 200, outcome: "ok" }]);
    const refresh = await serviceCalls(() => getFreshAccessToken(linked!.connectionId, { force: true }));
    assert.deepEqual(refresh.calls.map(fields), [{ service: "trainerday", endpoint: "refresh", status: 200, outcome: "ok" }]);
    const revoke = await serviceCalls(async () => {
      const result = await disconnectConnection({ athleteId: linked!.userId, actorId: linked!.userId, service: "trainerday" });
      assert.ok(!failed(result));
    });
    assert.ok(revoke.calls.length >= 1);
    for (const line of revoke.calls) assert.equal(line.endpoint, "revoke");
    for (const text of [link.text, refresh.text, revoke.text]) {
      assert.doesNotMatch(text, new RegExp(linked!.tokens.accessToken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      assert.doesNotMatch(text, new RegExp(linked!.tokens.refreshToken!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    }
  });

  it("enduco: token, refresh", async () => {
    let linked: Awaited<ReturnType<Env["linkAthlete"]>> | undefined;
    const link = await serviceCalls(async () => (linked = await env.linkAthlete("enduco")));
    assert.deepEqual(link.calls.map(fields), [{ service: "enduco", endpoint: "token", status: 200, outcome: "ok" }]);
    const refresh = await serviceCalls(() => getFreshAccessToken(linked!.connectionId, { force: true }));
    assert.deepEqual(refresh.calls.map(fields), [{ service: "enduco", endpoint: "refresh", status: 200, outcome: "ok" }]);
  });

  it("ExorLive: authorize (the Authorize.aspx GET), then token", async () => {
    const exorlive = getIntegration("exorlive");
    assert.ok(isServerToServer(exorlive));
    const { calls } = await serviceCalls(() => exorlive.linkUser("4711"));
    assert.deepEqual(calls.map(fields), [
      { service: "exorlive", endpoint: "authorize", status: 200, outcome: "ok" },
      { service: "exorlive", endpoint: "token", status: 200, outcome: "ok" },
    ]);
  });

  it("FitRankings: verify (user info, activities), master_token", async () => {
    const fitrankings = getIntegration("fitrankings");
    assert.ok(isTokenInCallback(fitrankings));
    const link = await serviceCalls(() => env.linkFitRankings());
    assert.deepEqual(link.calls.map(fields), [{ service: "fitrankings", endpoint: "verify", status: 200, outcome: "ok" }]);
    let master = "";
    const token = await serviceCalls(async () => (master = await fitrankings.obtainMasterToken()));
    assert.deepEqual(token.calls.map(fields), [{ service: "fitrankings", endpoint: "master_token", status: 200, outcome: "ok" }]);
    const count = await serviceCalls(() => fitrankings.countActivities(master));
    assert.deepEqual(count.calls.map(fields), [{ service: "fitrankings", endpoint: "verify", status: 200, outcome: "ok" }]);
    assert.doesNotMatch(token.text + count.text, new RegExp(master));
  });
});
