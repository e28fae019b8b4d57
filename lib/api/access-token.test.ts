import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { db } from "@/db";
import { accounts, connectionEvents } from "@/db/schema";
import { openToken } from "@/lib/connections/sealing";
import { insertApiKey } from "@/tests/helpers/api-key";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";
import { aliasServerNextNavigation } from "@/tests/helpers/next-server";

// The route's modules may import next/navigation (lib/route.ts): imported in `before`, after this alias.
aliasServerNextNavigation();

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;
let key: Awaited<ReturnType<typeof insertApiKey>>;
let POST: typeof import("@/app/api/v1/connections/[id]/access-token/route").POST;

before(async () => {
  env = await startLifecycleEnv();
  ({ POST } = await import("@/app/api/v1/connections/[id]/access-token/route"));
  key = await insertApiKey({ name: "Planner", scopes: ["tokens:issue"] });
});
after(() => env.sandbox.close());

async function issue(id: string) {
  const res = await POST(
    new NextRequest(`http://localhost:3000/api/v1/connections/${id}/access-token`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.key}` },
    }),
    { params: Promise.resolve({ id }) },
  );
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const issuedEvents = (athleteId: string) =>
  db
    .select()
    .from(connectionEvents)
    .where(and(eq(connectionEvents.athleteId, athleteId), eq(connectionEvents.kind, "access_token_issued")));

describe("POST /api/v1/connections/{id}/access-token", () => {
  it("answers the stored token with the expiry stored beside it, and records who it was issued to", async () => {
    const { userId, connectionId } = await env.linkAthlete("trainerday");
    const before = await env.row(connectionId);
    const res = await issue(connectionId);
    assert.equal(res.status, 200);
    assert.equal(res.body.access_token, openToken(before.accessToken!, connectionId, "access_token"));
    assert.equal(res.body.token_type, "Bearer");
    assert.equal(res.body.expires_at, new Date(before.expiresAt! * 1000).toISOString());
    const expiresIn = res.body.expires_in as number;
    assert.ok(Math.abs(expiresIn - (before.expiresAt! - Date.now() / 1000)) <= 2, `expires_in ${expiresIn}`);
    assert.deepEqual(res.body.scopes, before.scope!.split(" "));
    assert.equal((await env.row(connectionId)).lastRefreshedAt?.getTime(), before.lastRefreshedAt?.getTime(), "no refresh for a fresh token");
    const events = await issuedEvents(userId);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.actorId, null);
    assert.equal(events[0]!.detail, `issued to API key "Planner" (${key.prefix})`);
    assert.ok(!events[0]!.detail!.includes(res.body.access_token as string));
  });

  it("refreshes a token that expires within the margin and answers the new token with the new row's expiry", async () => {
    const { userId, connectionId } = await env.linkAthlete("trainerday");
    const old = openToken((await env.row(connectionId)).accessToken!, connectionId, "access_token");
    await env.expire(connectionId, 60);
    const res = await issue(connectionId);
    assert.equal(res.status, 200);
    const row = await env.row(connectionId);
    assert.notEqual(res.body.access_token, old);
    assert.equal(res.body.access_token, openToken(row.accessToken!, connectionId, "access_token"));
    assert.equal(res.body.expires_at, new Date(row.expiresAt! * 1000).toISOString());
    assert.ok(row.expiresAt! * 1000 > Date.now() + 300_000, "the new expiry lies beyond the margin");
    assert.deepEqual(
      (await env.events(userId)).map((e) => e.kind).filter((k) => k === "refreshed" || k === "access_token_issued"),
      ["refreshed", "access_token_issued"],
    );
  });

  it("409 connection-needs-reconnect with the status when the connection needs a reconnect, and records nothing", async () => {
    const { userId, connectionId } = await env.linkAthlete("trainerday");
    await db.update(accounts).set({ state: "needs_reauth" }).where(eq(accounts.id, connectionId));
    const res = await issue(connectionId);
    assert.equal(res.status, 409);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    assert.equal(res.body.type, "urn:problem-type:trainlink:connection-needs-reconnect");
    assert.equal(res.body.connection_status, "needs_reauth");
    assert.match(res.body.detail as string, /must reconnect TrainerDay/);
    assert.equal((await issuedEvents(userId)).length, 0);
  });

  it("409 connection-needs-reconnect when the service refuses the refresh token (invalid_grant) during the request", async () => {
    const { connectionId } = await env.linkAthlete("trainerday");
    await env.expire(connectionId);
    await env.mode("trainerday", "refresh_invalid_grant");
    const res = await issue(connectionId).finally(() => env.mode("trainerday", "normal"));
    assert.equal(res.status, 409);
    assert.equal(res.body.type, "urn:problem-type:trainlink:connection-needs-reconnect");
    assert.equal(res.body.connection_status, "needs_reauth");
  });

  it("409 connection-not-connected for a disconnected connection", async () => {
    const { connectionId } = await env.linkAthlete("enduco");
    await db.update(accounts).set({ state: "disconnected", accessToken: null, refreshToken: null }).where(eq(accounts.id, connectionId));
    const res = await issue(connectionId);
    assert.equal(res.status, 409);
    assert.equal(res.body.type, "urn:problem-type:trainlink:connection-not-connected");
    assert.equal(res.body.connection_status, "not_connected");
    assert.match(res.body.detail as string, /must link enduco/i);
  });
});
