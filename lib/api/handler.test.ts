import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { NextRequest } from "next/server";
import { z } from "zod";
import { db } from "@/db";
import { users, type ApiKeyScope } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { captureLogs } from "@/lib/log";
import { failed } from "@/lib/result";
import { openMigratedDb } from "@/tests/helpers/db";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { apiKeyWrapper, readJsonBody } from "./handler";
import { ApiProblem, parseInput, problemType } from "./problem";
import { RateLimiter } from "./rate-limit";

// The /api/v1 wrapper, called directly with NextRequests, against the real test database.

let admin: SessionUser;

before(async () => {
  await openMigratedDb();
  admin = { id: randomUUID(), email: `${randomUUID()}@test.example`, name: "Wrapper Admin", role: "admin" };
  await db.insert(users).values(admin);
});

async function newKey(scopes: ApiKeyScope[], expiresAt: Date | null = null) {
  const created = await createApiKey(admin, { name: `Key ${randomUUID().slice(0, 6)}`, scopes, expiresAt });
  if (failed(created)) throw new Error(created.error);
  return created;
}

const URL_ = "http://localhost:3000/api/v1/things/t1?limit=5";
const call = (route: (r: NextRequest, c: { params: Promise<{ id: string }> }) => Promise<Response>, authorization?: string) =>
  route(new NextRequest(URL_, { headers: authorization ? { authorization } : {} }), { params: Promise.resolve({ id: "t1" }) });

/** A wrapped handler (scope `connections:read`, a limiter of `limit`) that records its calls and answers `answer()`. */
function wrapped(answer: () => Response | Promise<Response> = () => Response.json({ ok: true }), limit = 100) {
  const calls: { keyId: string; params: unknown }[] = [];
  const limiter = new RateLimiter(limit);
  const route = apiKeyWrapper(() => limiter)<{ id: string }>("connections:read", ({ caller, params }) => {
    calls.push({ keyId: caller.keyId, params });
    return answer();
  });
  return { route, calls };
}

const body = async (response: Response) => JSON.parse(await response.text()) as Record<string, unknown>;

describe("withApiKey: refusals before the handler", () => {
  it("no key: 401 problem+json with a bare Bearer challenge, one sentence, no-store; the handler never runs", async () => {
    const { route, calls } = wrapped();
    for (const authorization of [undefined, "Basic dXNlcjpwYXNz"]) {
      const response = await call(route, authorization);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="trainlink"');
      assert.equal(response.headers.get("cache-control"), "no-store");
      assert.equal(response.headers.get("ratelimit"), null);
      const problem = await body(response);
      assert.deepEqual(
        { ...problem, detail: undefined },
        {
          type: problemType("missing-api-key"),
          title: "API key required",
          status: 401,
          detail: undefined,
          instance: "/api/v1/things/t1",
        },
      );
      assert.match(problem.detail as string, /Authorization: Bearer/);
    }
    assert.equal(calls.length, 0);
  });

  it('a malformed, unknown, revoked or expired key: 401 with error="invalid_token" and a sentence saying what to do', async () => {
    const { route, calls } = wrapped();
    const revoked = await newKey(["connections:read"]);
    await revokeApiKey(admin, revoked.key.id);
    const expired = await newKey(["connections:read"], new Date(Date.now() + 300));
    await new Promise((resolve) => setTimeout(resolve, 350));
    const unknown = `tlk_00000000_${"A".repeat(43)}`;
    const cases: [string, string, RegExp][] = [
      ["Bearer not-a-key", problemType("invalid-api-key"), /whole key/],
      [`Bearer ${unknown}`, problemType("invalid-api-key"), /not known/],
      [`Bearer ${revoked.plaintext}`, problemType("api-key-revoked"), /revoked: ask/],
      [`Bearer ${expired.plaintext}`, problemType("api-key-expired"), /expired: ask/],
    ];
    const logged = await captureLogs(async () => {
      for (const [authorization, type, detail] of cases) {
        const response = await call(route, authorization);
        assert.equal(response.status, 401, authorization);
        assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="trainlink", error="invalid_token"');
        assert.equal(response.headers.get("content-type"), "application/problem+json");
        const problem = await body(response);
        assert.equal(problem.type, type);
        assert.match(problem.detail as string, detail);
        assert.ok(!JSON.stringify(problem).includes(authorization.slice(7)), "the key is not echoed");
      }
    });
    assert.equal(calls.length, 0);
    // Refusals of well-formed keys are logged with the visible prefix only, each with its request's id.
    const refused = (refusal: string, keyPrefix: string) => ({
      level: "warn",
      msg: "api key refused",
      method: "GET",
      path: "/api/v1/things/t1",
      status: 401,
      refusal,
      keyPrefix,
    });
    assert.deepEqual(
      logged.map(({ level, msg, method, path, status, refusal, keyPrefix }) => ({ level, msg, method, path, status, refusal, keyPrefix })),
      [refused("unknown", "tlk_00000000"), refused("revoked", revoked.key.prefix), refused("expired", expired.key.prefix)],
    );
    for (const line of logged) assert.match(String(line.requestId), /^[0-9a-f-]{36}$/);
    for (const [authorization] of cases) assert.ok(!JSON.stringify(logged).includes(authorization.slice(7)), "the key is not logged");
  });

  it("a key without the scope: 403 naming the scope, insufficient_scope challenge, rate-limit headers", async () => {
    const { route, calls } = wrapped();
    const { key, plaintext } = await newKey(["tokens:issue", "webhooks:manage"]);
    let response!: Response;
    const logged = await captureLogs(async () => (response = await call(route, `Bearer ${plaintext}`)));
    assert.deepEqual(
      logged.map(({ level, msg, method, path, status, keyPrefix, scope }) => ({ level, msg, method, path, status, keyPrefix, scope })),
      [
        {
          level: "warn",
          msg: "api key lacks scope",
          method: "GET",
          path: "/api/v1/things/t1",
          status: 403,
          keyPrefix: key.prefix,
          scope: "connections:read",
        },
      ],
    );
    assert.ok(!JSON.stringify(logged).includes(plaintext));
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="trainlink", error="insufficient_scope", scope="connections:read"');
    assert.equal(response.headers.get("ratelimit-policy"), '"default";q=100;w=60');
    const problem = await body(response);
    assert.equal(problem.type, problemType("insufficient-scope"));
    assert.equal(problem.scope, "connections:read");
    assert.match(problem.detail as string, /lacks the scope "connections:read"/);
    assert.equal(calls.length, 0);
  });
});

describe("withApiKey: the handler's answers", () => {
  it("a key with the scope reaches the handler with its caller and params; the answer gets no-store and RateLimit headers", async () => {
    const { route, calls } = wrapped(() => Response.json({ ok: true }, { headers: { "Cache-Control": "public, max-age=600" } }));
    const { key, plaintext } = await newKey(["connections:read"]);
    const response = await call(route, `Bearer ${plaintext}`);
    assert.equal(response.status, 200);
    assert.deepEqual(await body(response), { ok: true });
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(response.headers.get("ratelimit-policy"), '"default";q=100;w=60');
    assert.match(response.headers.get("ratelimit") ?? "", /^"default";r=99;t=(60|59)$/);
    assert.deepEqual(calls, [{ keyId: key.id, params: { id: "t1" } }]);
  });

  it("over the limit: 429 with Retry-After and RateLimit r=0, the handler not called; other keys go on", async () => {
    const { route, calls } = wrapped(undefined, 3);
    const { plaintext } = await newKey(["connections:read"]);
    const other = await newKey(["connections:read"]);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(route, `Bearer ${plaintext}`));
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 200, 429],
    );
    assert.deepEqual(
      answers.map((r) => /r=(\d+)/.exec(r.headers.get("ratelimit") ?? "")?.[1]),
      ["2", "1", "0", "0"],
    );
    const limited = answers[3]!;
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(limited.headers.get("ratelimit"), `"default";r=0;t=${retryAfter}`);
    assert.equal(limited.headers.get("content-type"), "application/problem+json");
    assert.equal((await body(limited)).type, problemType("rate-limited"));
    assert.equal(calls.length, 3);
    assert.equal((await call(route, `Bearer ${other.plaintext}`)).status, 200);
  });

  it("an ApiProblem thrown by the handler becomes its problem, with the instance and its headers", async () => {
    const { route } = wrapped(() => {
      throw new ApiProblem(
        409,
        {
          type: problemType("connection-needs-reconnect"),
          title: "Connection needs a reconnect",
          detail: "Ask the athlete.",
          connection_status: "needs_reauth",
        },
        { "Retry-After": "5" },
      );
    });
    const { plaintext } = await newKey(["connections:read"]);
    const response = await call(route, `Bearer ${plaintext}`);
    assert.equal(response.status, 409);
    assert.equal(response.headers.get("retry-after"), "5");
    assert.equal(response.headers.get("content-type"), "application/problem+json");
    assert.match(response.headers.get("ratelimit") ?? "", /r=99/);
    assert.deepEqual(await body(response), {
      type: problemType("connection-needs-reconnect"),
      title: "Connection needs a reconnect",
      status: 409,
      detail: "Ask the athlete.",
      connection_status: "needs_reauth",
      instance: "/api/v1/things/t1",
    });
  });

  it("anything else thrown: 500 problem with no detail; the log names method, path and error name, never the message or key", async () => {
    const { route } = wrapped(() => {
      throw new TypeError("secret-token-abc leaked in a message");
    });
    const { plaintext } = await newKey(["connections:read"]);
    let response!: Response;
    const logged = await captureLogs(async () => (response = await call(route, `Bearer ${plaintext}`)));
    assert.equal(response.status, 500);
    assert.equal(response.headers.get("cache-control"), "no-store");
    const text = await response.text();
    assert.deepEqual(JSON.parse(text), { type: "about:blank", title: "Internal Server Error", status: 500, instance: "/api/v1/things/t1" });
    assert.deepEqual(
      logged.map(({ level, msg, method, path, error }) => ({ level, msg, method, path, error })),
      [{ level: "error", msg: "api request failed", method: "GET", path: "/api/v1/things/t1", error: "TypeError" }],
    );
    assert.doesNotMatch(JSON.stringify(logged), /secret-token-abc|tlk_/);
  });

  it("parseInput in a handler: 400 invalid-request listing each field's path and message", async () => {
    const { route } = wrapped(() => {
      parseInput(z.object({ limit: z.coerce.number().int().max(3), cursor: z.string() }), { limit: "5" }, "query");
      return new Response("unreachable");
    });
    const { plaintext } = await newKey(["connections:read"]);
    const response = await call(route, `Bearer ${plaintext}`);
    assert.equal(response.status, 400);
    const problem = await body(response);
    assert.equal(problem.type, problemType("invalid-request"));
    assert.deepEqual(
      (problem.errors as { path: string }[]).map((e) => e.path),
      ["query.limit", "query.cursor"],
    );
    assert.ok((problem.errors as { message: string }[]).every((e) => e.message.length > 0));
  });
});

describe("readJsonBody", () => {
  const post = (body: string, type = "application/json") =>
    new Request("http://localhost:3000/api/v1/x", { method: "POST", body, headers: { "content-type": type } });
  const problemOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof ApiProblem) return [error.status, error.body.type];
      throw error;
    }
    return null;
  };

  it("parses JSON up to the cap; refuses another media type (415), a longer body (413), and invalid JSON (400)", async () => {
    assert.deepEqual(await readJsonBody(post('{"url":"https://example.com"}')), { url: "https://example.com" });
    assert.deepEqual(await readJsonBody(post("[1]", "application/merge-patch+json; charset=utf-8")), [1]);
    assert.deepEqual(await problemOf(readJsonBody(post("{}", "text/plain"))), [415, problemType("unsupported-media-type")]);
    assert.deepEqual(await problemOf(readJsonBody(post(JSON.stringify({ a: "x".repeat(100) }), "application/json"), 64)), [
      413,
      problemType("body-too-large"),
    ]);
    assert.deepEqual(await problemOf(readJsonBody(post("{nope"))), [400, problemType("invalid-json")]);
    assert.deepEqual(await problemOf(readJsonBody(post(""))), [400, problemType("invalid-json")]);
  });
});
