import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { db } from "@/db";
import { adminActions, connectionEvents, users } from "@/db/schema";
import { revokeConnectionAsAdmin } from "@/lib/admin/connections";
import type { SessionUser } from "@/lib/auth/users";
import { insertApiKey } from "@/tests/helpers/api-key";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";
import { aliasServerNextNavigation } from "@/tests/helpers/next-server";

// The route's modules may import next/navigation (lib/route.ts): imported in `before`, after this alias.
aliasServerNextNavigation();

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;
let key: Awaited<ReturnType<typeof insertApiKey>>;
let DELETE: typeof import("@/app/api/v1/connections/[id]/route").DELETE;

before(async () => {
  env = await startLifecycleEnv();
  ({ DELETE } = await import("@/app/api/v1/connections/[id]/route"));
  key = await insertApiKey({ name: "Club system", scopes: ["connections:revoke"] });
});
after(() => env.sandbox.close());

async function revoke(id: string) {
  const res = await DELETE(
    new NextRequest(`http://localhost:3000/api/v1/connections/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${key.key}` } }),
    { params: Promise.resolve({ id }) },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const actionsFor = (athleteId: string) => db.select().from(adminActions).where(eq(adminActions.targetUserId, athleteId));
const disconnectedEvents = (athleteId: string) =>
  db
    .select()
    .from(connectionEvents)
    .where(and(eq(connectionEvents.athleteId, athleteId), eq(connectionEvents.kind, "disconnected")));

describe("DELETE /api/v1/connections/{id}", () => {
  it("revokes at the service through the admin's path: one admin action and one event, no actor id, the key named in both", async () => {
    const { userId, username, connectionId } = await env.linkAthlete("trainerday");
    const res = await revoke(connectionId);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { id: connectionId, status: "revoked", detail: "Test's TrainerDay connection was revoked." });
    assert.equal((await env.row(connectionId)).state, "disconnected");
    assert.ok(
      (await env.issuedTokens("trainerday", username)).every((t) => !t.active),
      "no live grant at the sandbox",
    );
    const label = `API key "Club system" (${key.prefix})`;
    const actions = await actionsFor(userId);
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.kind, "connection_revoked");
    assert.equal(actions[0]!.actorId, null);
    assert.equal(actions[0]!.detail, `revoked at the service; by ${label}`);
    const events = await disconnectedEvents(userId);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.actorId, null);
    assert.equal(events[0]!.detail, `revoked at the service (by ${label})`);
  });

  it("a second call answers 200 revoked again and records nothing more", async () => {
    const { userId, connectionId } = await env.linkAthlete("enduco");
    assert.equal((await revoke(connectionId)).status, 200);
    const again = await revoke(connectionId);
    assert.equal(again.status, 200);
    assert.equal(again.body.status, "revoked");
    assert.match(again.body.detail as string, /already ended/);
    assert.equal((await actionsFor(userId)).length, 1);
    assert.equal((await disconnectedEvents(userId)).length, 1);
  });

  it("202 revocation_pending while the service is unreachable, with one admin action", async () => {
    const { userId, connectionId } = await env.linkAthlete("trainerday");
    await env.mode("trainerday", "revoke_503");
    const res = await revoke(connectionId).finally(() => env.mode("trainerday", "normal"));
    assert.equal(res.status, 202);
    assert.equal(res.body.status, "revocation_pending");
    assert.equal((await env.row(connectionId)).state, "revocation_pending");
    const actions = await actionsFor(userId);
    assert.equal(actions.length, 1);
    assert.match(actions[0]!.detail!, /^revocation pending: the service was unreachable; by API key "Club system"/);
  });

  it("an admin's Revoke still names the admin as the actor of the action and the event", async () => {
    const admin: SessionUser = { id: randomUUID(), email: `${randomUUID()}@test.example`, name: "Admin", role: "admin" };
    await db.insert(users).values(admin);
    const { userId, connectionId } = await env.linkAthlete("trainerday");
    assert.deepEqual(await revokeConnectionAsAdmin(admin, connectionId), { ok: "Test's TrainerDay connection was revoked." });
    const actions = await actionsFor(userId);
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.actorId, admin.id);
    assert.equal(actions[0]!.detail, "revoked at the service");
    const events = await disconnectedEvents(userId);
    assert.deepEqual(
      events.map((e) => [e.actorId, e.detail]),
      [[admin.id, "revoked at the service"]],
    );
    assert.deepEqual(await revokeConnectionAsAdmin(admin, connectionId), { error: "TrainerDay is not connected." });
  });
});
