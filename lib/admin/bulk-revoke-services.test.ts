import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { and, eq, inArray } from "drizzle-orm";
import { accounts, adminActions, users } from "@/db/schema";
import { revokeNextBatch, type BulkRevokeItem, type BulkRevokeRun } from "@/lib/admin/bulk-revoke";
import type { SessionUser } from "@/lib/auth/users";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

// Bulk revokes of TrainerDay connections linked through the sandbox: the revocation endpoint is really called,
// and its outages and refusals show up as the run's pending and refused outcomes.

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;
const admin: SessionUser = { id: randomUUID(), email: "bulk-services@test.example", name: "Bulk Admin", role: "admin" };

before(async () => {
  env = await startLifecycleEnv();
  await env.db.insert(users).values(admin);
});
after(() => env.sandbox.close());

async function runToEnd(run: BulkRevokeRun): Promise<BulkRevokeItem[]> {
  const items: BulkRevokeItem[] = [];
  let state = run;
  for (;;) {
    const batch = await revokeNextBatch(admin, state, 3);
    assert.ok(!batch.busy, "nothing else holds the lock");
    items.push(...batch.items);
    state = { ...state, processed: batch.processed, after: batch.after };
    if (batch.done) return items;
  }
}

const linkSome = async (n: number) => Promise.all(Array.from({ length: n }, () => env.linkAthlete("trainerday")));
const connected: BulkRevokeRun = { filter: { service: "trainerday", status: "connected" }, confirmed: 100, processed: 0, after: null };

describe("bulk revoke at a service with a revocation endpoint", () => {
  it("revokes each grant at the service; an outage leaves them pending, a refusal ends them here and says so", async () => {
    const live = await linkSome(4);
    const revoked = await runToEnd(connected);
    assert.deepEqual(
      revoked.map((i) => i.outcome),
      ["revoked", "revoked", "revoked", "revoked"],
    );
    for (const { username, connectionId } of live) {
      assert.deepEqual(
        (await env.issuedTokens("trainerday", username)).filter((t) => t.active),
        [],
        "no live grant at the sandbox",
      );
      assert.equal((await env.row(connectionId)).state, "disconnected");
    }

    const down = await linkSome(2);
    await env.mode("trainerday", "revoke_503");
    let pending: BulkRevokeItem[];
    try {
      pending = await runToEnd(connected);
    } finally {
      await env.mode("trainerday", "normal");
    }
    assert.deepEqual(
      pending.map((i) => i.outcome),
      ["pending", "pending"],
    );
    assert.ok(pending.every((i) => /could not be reached; the revocation .* is pending/.test(i.reason ?? "")));
    for (const { userId, connectionId } of down) {
      assert.equal((await env.row(connectionId)).state, "revocation_pending");
      assert.deepEqual((await env.events(userId)).map((e) => e.kind).slice(-1), ["revocation_pending"]);
    }

    const refusing = await linkSome(1);
    await env.mode("trainerday", "revoke_refused");
    let refused: BulkRevokeItem[];
    try {
      refused = await runToEnd(connected);
    } finally {
      await env.mode("trainerday", "normal");
    }
    assert.equal(refused.length, 1, "the pending ones have another status: not picked by a Connected filter");
    assert.equal(refused[0]!.outcome, "refused");
    assert.match(refused[0]!.reason ?? "", /refused the revocation/);
    assert.equal((await env.row(refusing[0]!.connectionId)).state, "disconnected");

    const athleteIds = [...live, ...down, ...refusing].map((l) => l.userId);
    const actions = await env.db
      .select()
      .from(adminActions)
      .where(and(eq(adminActions.kind, "connection_revoked"), inArray(adminActions.targetUserId, athleteIds)));
    assert.equal(actions.length, 7, "one admin action per connection, whatever the outcome");
  });

  it("a connection whose refresh never lets go is reported failed with the per-row sentence; the others are revoked", async () => {
    const [stuck, fine] = await linkSome(2);
    // Another process claimed the refresh lease and died holding it: Disconnect waits for it, then gives up.
    await env.db
      .update(accounts)
      .set({ refreshLeaseOwner: "elsewhere", refreshLeaseUntil: new Date(Date.now() + 600_000) })
      .where(eq(accounts.id, stuck!.connectionId));
    const items = await runToEnd(connected);
    const byId = new Map(items.map((i) => [i.id, i]));
    assert.equal(byId.get(fine!.connectionId)?.outcome, "revoked");
    assert.equal(byId.get(stuck!.connectionId)?.outcome, "failed");
    assert.match(byId.get(stuck!.connectionId)?.reason ?? "", /being refreshed right now/);
    assert.equal((await env.row(stuck!.connectionId)).state, "connected", "not revoked");
  });
});
