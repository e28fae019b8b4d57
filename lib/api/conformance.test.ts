import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { after, before, describe, it } from "node:test";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { db } from "@/db";
import { accounts, coachAthletes, users } from "@/db/schema";
import { openApiDocument } from "@/lib/api/openapi";
import { insertApiKey } from "@/tests/helpers/api-key";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";
import { aliasServerNextNavigation } from "@/tests/helpers/next-server";

// The OpenAPI conformance check (issue 16): every operation of the generated document is called through its
// route handler with valid input and with error cases, and every answer must have a status the document lists
// for that operation, the documented content type, a body valid against the documented schema (ajv, JSON Schema
// 2020-12 as OpenAPI 3.1 uses) and the headers it marks required. Route files and the document must match both ways.

// The docs route imports lib/route.ts, which imports next/navigation: route modules are imported (in `before`)
// only after this alias (see lib/route.test.ts).
aliasServerNextNavigation();

const ORIGIN = "http://localhost:3000";
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** Routes under app/api/v1 that are pages for people, not operations of the API: the admins' interactive reference. */
const NOT_OPERATIONS = new Set(["/api/v1/docs", "/api/v1/docs/scalar.js"]);

type Json = Record<string, unknown>;
type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

const doc = openApiDocument(ORIGIN) as unknown as Json & { paths: Record<string, Record<string, Json>>; components: Json };
const DOC_ID = "https://trainlink.test/openapi.json";
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...doc, $id: DOC_ID });

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

/** app/api/v1/**\/route.ts as API paths (`[id]` → `{id}`) and their module files. */
function routeFiles(dir = join(process.cwd(), "app/api/v1")): { path: string; file: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(file);
    if (entry.name !== "route.ts") return [];
    const segments = relative(join(process.cwd(), "app"), dir)
      .split(sep)
      .map((s) => s.replace(/^\[(.+)\]$/, "{$1}"));
    return [{ path: `/${segments.join("/")}`, file }];
  });
}

const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => (METHODS as readonly string[]).includes(method.toUpperCase()))
    .map(([method, operation]) => ({ path, method: method.toUpperCase(), operationId: operation.operationId as string, operation })),
);
const exercised = new Map<string, Set<number>>();
const modules = new Map<string, Record<string, unknown>>();

/** The response object the document gives `status` of `op` (following a components/responses $ref), with its JSON pointer. */
function documentedResponse(op: (typeof operations)[number], status: number): { response: Json; at: string } | null {
  const response = (op.operation.responses as Record<string, Json>)[String(status)];
  if (!response) return null;
  const ref = response.$ref as string | undefined;
  if (!ref) return { response, at: `#/${pointer("paths", op.path, op.method.toLowerCase(), "responses", String(status))}` };
  const name = ref.replace("#/components/responses/", "");
  return { response: (doc.components.responses as Record<string, Json>)[name]!, at: ref };
}

/**
 * Calls `operationId`'s handler with `url` (path and query), path `params` and API key `key`, and checks the
 * answer against the document; resolves to the status and parsed body.
 */
async function call(operationId: string, url: string, options: { params?: Record<string, string>; key?: string; body?: unknown } = {}) {
  const op = operations.find((o) => o.operationId === operationId);
  assert.ok(op, `${operationId} is in the document`);
  const routeModule = modules.get(op.path);
  const handler = routeModule?.[op.method] as Handler | undefined;
  assert.ok(handler, `${op.method} ${op.path} has a handler`);
  const headers: Record<string, string> = options.key ? { authorization: `Bearer ${options.key}` } : {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const res = await handler(new NextRequest(`${ORIGIN}${url}`, { method: op.method, headers, body }), {
    params: Promise.resolve(options.params ?? {}),
  });
  const documented = documentedResponse(op, res.status);
  assert.ok(documented, `${operationId} answered ${res.status}, which the document does not list for it`);
  if (res.status === 204) {
    assert.equal(documented.response.content, undefined, `${operationId} 204 documents no content`);
    assert.equal(await res.text(), "");
    exercised.set(operationId, (exercised.get(operationId) ?? new Set()).add(res.status));
    return { status: res.status, body: {} as Json, headers: res.headers };
  }
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
  const content = documented.response.content as Record<string, Json> | undefined;
  assert.ok(content?.[type], `${operationId} ${res.status}: content type ${type} is not documented (${Object.keys(content ?? {}).join(", ")})`);
  const answer = (await res.json()) as Json;
  const validate = ajv.compile({ $ref: `${DOC_ID}${documented.at}/${pointer("content", type, "schema")}` });
  assert.ok(
    validate(answer),
    `${operationId} ${res.status} body does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(answer)}`,
  );
  for (const [name, header] of Object.entries((documented.response.headers ?? {}) as Record<string, Json>)) {
    const resolved = header.$ref ? (doc.components.headers as Record<string, Json>)[(header.$ref as string).split("/").pop()!]! : header;
    if (resolved.required) assert.ok(res.headers.get(name), `${operationId} ${res.status} lacks the required header ${name}`);
  }
  if (op.path !== "/api/v1/openapi.json") assert.equal(res.headers.get("cache-control"), "no-store", `${operationId} ${res.status}: Cache-Control`);
  exercised.set(operationId, (exercised.get(operationId) ?? new Set()).add(res.status));
  return { status: res.status, body: answer, headers: res.headers };
}

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;
let key: string;
let readOnlyKey: string;
let revokedKey: string;
let athlete: { userId: string; connectionId: string };
let coachId: string;

before(async () => {
  env = await startLifecycleEnv();
  for (const { path, file } of routeFiles()) modules.set(path, (await import(file)) as Record<string, unknown>);
  athlete = await env.linkAthlete("trainerday");
  await env.linkAthlete("enduco", { userId: athlete.userId });
  await db.update(users).set({ name: "Conformance Athlete" }).where(eq(users.id, athlete.userId));
  coachId = randomUUID();
  await db.insert(users).values({ id: coachId, email: `${coachId}@test.example`, name: "Coach", role: "coach" });
  await db.insert(coachAthletes).values({ coachId, athleteId: athlete.userId });
  for (let i = 0; i < 3; i++) await env.newAthlete();
  key = (await insertApiKey()).key;
  readOnlyKey = (await insertApiKey({ scopes: ["connections:read"] })).key;
  revokedKey = (await insertApiKey({ revoked: true })).key;
});
after(() => env.sandbox.close());

describe("OpenAPI conformance of /api/v1", () => {
  it("the document is OpenAPI 3.1.0 with the servers, the bearer scheme and, on every operation, an id, summary, tags and description", () => {
    assert.equal(doc.openapi, "3.1.0");
    assert.deepEqual(doc.servers, [{ url: ORIGIN }]);
    assert.deepEqual((doc.components.securitySchemes as Json).apiKey, {
      type: "http",
      scheme: "bearer",
      bearerFormat: "tlk_<8 hex>_<base64url>",
      description: "An API key created by an admin on the API page; its scopes decide which operations it may call.",
    });
    for (const op of operations) {
      assert.ok(op.operationId && op.operation.summary && op.operation.description && (op.operation.tags as string[]).length, op.path);
      if (op.path === "/api/v1/openapi.json") continue;
      assert.deepEqual(op.operation.security, [{ apiKey: [] }], op.operationId);
      assert.match(op.operation.description as string, /Requires an API key with the scope `[a-z:]+`/, op.operationId);
      for (const status of ["401", "403", "429", "500"]) assert.ok((op.operation.responses as Json)[status], `${op.operationId} documents ${status}`);
    }
  });

  it("every route file under app/api/v1 exports only methods the document describes, and every operation has a handler", () => {
    const files = routeFiles();
    for (const { path } of files) {
      const exported = METHODS.filter((m) => typeof modules.get(path)?.[m] === "function");
      if (NOT_OPERATIONS.has(path)) {
        assert.deepEqual(exported, ["GET"], path);
        continue;
      }
      for (const method of exported)
        assert.ok(doc.paths[path]?.[method.toLowerCase()], `${method} ${path} is exported by a route but not in the document`);
    }
    for (const op of operations) assert.equal(typeof modules.get(op.path)?.[op.method], "function", `${op.method} ${op.path} has no route handler`);
  });

  it("listAthletes: pages by name and id with a cursor; a bad cursor or limit is 400; no key 401; a revoked key 401", async () => {
    const all: Json[] = [];
    let page = await call("listAthletes", "/api/v1/athletes?limit=2", { key });
    assert.equal(page.status, 200);
    for (;;) {
      all.push(...(page.body.data as Json[]));
      if (!page.body.next_cursor) break;
      page = await call("listAthletes", `/api/v1/athletes?limit=2&cursor=${page.body.next_cursor as string}`, { key });
    }
    assert.equal(all.length, 4);
    const names = all.map((a) => `${a.name as string}|${a.id as string}`);
    assert.deepEqual(names, [...names].sort());
    const linked = all.find((a) => a.id === athlete.userId);
    assert.deepEqual(linked?.coach_ids, [coachId]);
    assert.equal(linked?.disabled, false);
    const bad = await call("listAthletes", "/api/v1/athletes?cursor=bm90LW91cnM", { key });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.type, "urn:problem-type:trainlink:invalid-request");
    assert.deepEqual(
      (bad.body.errors as Json[]).map((e) => e.path),
      ["query.cursor"],
    );
    assert.equal((await call("listAthletes", "/api/v1/athletes?limit=0", { key })).status, 400);
    assert.equal((await call("listAthletes", "/api/v1/athletes?limit=201", { key })).status, 400);
    const anonymous = await call("listAthletes", "/api/v1/athletes");
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.equal((await call("listAthletes", "/api/v1/athletes", { key: revokedKey })).status, 401);
  });

  it("listAthleteConnections: every connection of the athlete; 404 for an unknown athlete and for a non-athlete", async () => {
    const res = await call("listAthleteConnections", `/api/v1/athletes/${athlete.userId}/connections`, { key, params: { id: athlete.userId } });
    assert.equal(res.status, 200);
    assert.deepEqual(
      (res.body.data as Json[]).map((c) => c.service),
      ["enduco", "trainerday"],
    );
    const unknown = randomUUID();
    assert.equal((await call("listAthleteConnections", `/api/v1/athletes/${unknown}/connections`, { key, params: { id: unknown } })).status, 404);
    assert.equal((await call("listAthleteConnections", `/api/v1/athletes/${coachId}/connections`, { key, params: { id: coachId } })).status, 404);
  });

  it("listConnections: filters by service and status, pages by id; an unknown status is 400", async () => {
    const td = await call("listConnections", "/api/v1/connections?service=trainerday&status=connected", { key });
    assert.equal(td.status, 200);
    assert.deepEqual(
      (td.body.data as Json[]).map((c) => c.id),
      [athlete.connectionId],
    );
    const first = await call("listConnections", "/api/v1/connections?limit=1", { key });
    assert.equal((first.body.data as Json[]).length, 1);
    assert.ok(first.body.next_cursor);
    const second = await call("listConnections", `/api/v1/connections?limit=1&cursor=${first.body.next_cursor as string}`, { key });
    assert.equal(second.body.next_cursor, null);
    assert.ok(((first.body.data as Json[])[0]!.id as string) < ((second.body.data as Json[])[0]!.id as string));
    const bad = await call("listConnections", "/api/v1/connections?status=fine", { key });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      (bad.body.errors as Json[]).map((e) => e.path),
      ["query.status"],
    );
  });

  it("getConnection: the connection without tokens; 404 for an unknown id", async () => {
    const res = await call("getConnection", `/api/v1/connections/${athlete.connectionId}`, { key, params: { id: athlete.connectionId } });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "connected");
    assert.equal(res.body.athlete_id, athlete.userId);
    assert.ok(!JSON.stringify(res.body).includes('token":'), "no token field");
    const unknown = randomUUID();
    assert.equal((await call("getConnection", `/api/v1/connections/${unknown}`, { key, params: { id: unknown } })).status, 404);
  });

  it("issueAccessToken: a token; 403 without tokens:issue; 404 unknown; 409 needs reconnect; 503 while the service fails", async () => {
    const id = athlete.connectionId;
    const url = `/api/v1/connections/${id}/access-token`;
    assert.equal((await call("issueAccessToken", url, { key, params: { id } })).status, 200);
    const forbidden = await call("issueAccessToken", url, { key: readOnlyKey, params: { id } });
    assert.equal(forbidden.status, 403);
    const unknown = randomUUID();
    assert.equal((await call("issueAccessToken", `/api/v1/connections/${unknown}/access-token`, { key, params: { id: unknown } })).status, 404);
    const other = await env.linkAthlete("trainerday");
    await env.expire(other.connectionId);
    await env.mode("trainerday", "token_503");
    const down = await call("issueAccessToken", `/api/v1/connections/${other.connectionId}/access-token`, {
      key,
      params: { id: other.connectionId },
    });
    await env.mode("trainerday", "normal");
    assert.equal(down.status, 503);
    assert.ok(Number(down.headers.get("retry-after")) > 0);
    await db.update(accounts).set({ state: "needs_reauth" }).where(eq(accounts.id, other.connectionId));
    const conflict = await call("issueAccessToken", `/api/v1/connections/${other.connectionId}/access-token`, {
      key,
      params: { id: other.connectionId },
    });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.connection_status, "needs_reauth");
  });

  it("revokeConnection: 200 revoked, 200 again (idempotent), 202 while the service is down, 404 unknown", async () => {
    const revoked = await call("revokeConnection", `/api/v1/connections/${athlete.connectionId}`, { key, params: { id: athlete.connectionId } });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.status, "revoked");
    const again = await call("revokeConnection", `/api/v1/connections/${athlete.connectionId}`, { key, params: { id: athlete.connectionId } });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, "revoked");
    const other = await env.linkAthlete("trainerday");
    await env.mode("trainerday", "revoke_503");
    const pending = await call("revokeConnection", `/api/v1/connections/${other.connectionId}`, { key, params: { id: other.connectionId } });
    await env.mode("trainerday", "normal");
    assert.equal(pending.status, 202);
    assert.equal(pending.body.status, "revocation_pending");
    const unknown = randomUUID();
    assert.equal((await call("revokeConnection", `/api/v1/connections/${unknown}`, { key, params: { id: unknown } })).status, 404);
    assert.equal((await call("revokeConnection", `/api/v1/connections/${unknown}`, { key: readOnlyKey, params: { id: unknown } })).status, 403);
  });

  it("webhook endpoints: register (secret once, 201), list and get without the secret, test event 202, delete 204; refusals 400, 404, 403", async () => {
    const input = { url: "https://hooks.example.com/trainlink", description: "Planner", events: ["connection.linked", "connection.revoked"] };
    const created = await call("createWebhookEndpoint", "/api/v1/webhook-endpoints", { key, body: input });
    assert.equal(created.status, 201);
    assert.match(created.body.secret as string, /^whsec_/);
    assert.equal(created.body.status, "active");
    const id = created.body.id as string;
    const listed = await call("listWebhookEndpoints", "/api/v1/webhook-endpoints", { key });
    assert.ok((listed.body.data as Json[]).some((e) => e.id === id));
    assert.ok(!JSON.stringify(listed.body).includes(created.body.secret as string), "the list never holds a secret");
    const one = await call("getWebhookEndpoint", `/api/v1/webhook-endpoints/${id}`, { key, params: { id } });
    assert.deepEqual(one.body.events, input.events);
    assert.equal(one.body.secret, undefined);
    assert.equal((await call("sendWebhookTestEvent", `/api/v1/webhook-endpoints/${id}/test`, { key, params: { id } })).status, 202);
    const loopback = await call("createWebhookEndpoint", "/api/v1/webhook-endpoints", { key, body: { ...input, url: "http://127.0.0.1:9/hook" } });
    assert.equal(loopback.status, 400);
    assert.equal(loopback.body.type, "urn:problem-type:trainlink:webhook-endpoint-refused");
    const noEvents = await call("createWebhookEndpoint", "/api/v1/webhook-endpoints", { key, body: { ...input, events: [] } });
    assert.equal(noEvents.status, 400);
    assert.deepEqual(
      (noEvents.body.errors as Json[]).map((e) => e.path),
      ["body.events"],
    );
    assert.equal((await call("listWebhookEndpoints", "/api/v1/webhook-endpoints", { key: readOnlyKey })).status, 403);
    assert.equal((await call("deleteWebhookEndpoint", `/api/v1/webhook-endpoints/${id}`, { key, params: { id } })).status, 204);
    assert.equal((await call("deleteWebhookEndpoint", `/api/v1/webhook-endpoints/${id}`, { key, params: { id } })).status, 404);
    assert.equal((await call("getWebhookEndpoint", `/api/v1/webhook-endpoints/${id}`, { key, params: { id } })).status, 404);
    assert.equal((await call("sendWebhookTestEvent", `/api/v1/webhook-endpoints/${id}/test`, { key, params: { id } })).status, 404);
  });

  it("getOpenApiDocument: the document itself, without a key", async () => {
    const res = await call("getOpenApiDocument", "/api/v1/openapi.json");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, JSON.parse(JSON.stringify(openApiDocument())));
  });

  it("every operation of the document was exercised, each with a success and an error answer", () => {
    for (const op of operations) {
      const statuses = [...(exercised.get(op.operationId) ?? [])];
      assert.ok(
        statuses.some((s) => s < 300),
        `${op.operationId} was not called successfully`,
      );
      if (op.operationId !== "getOpenApiDocument")
        assert.ok(
          statuses.some((s) => s >= 400),
          `${op.operationId} was not called with an error case`,
        );
    }
  });
});
