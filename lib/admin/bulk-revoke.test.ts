import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, beforeEach, describe, it } from "node:test";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { db } from "@/db";
import { accounts, adminActions, connectionEvents, users, type ConnectionState } from "@/db/schema";
import { countBulk } from "@/lib/admin/bulk-filter";
import { revokeNextBatch, startBulkRevoke, type BulkRevokeItem, type BulkRevokeRun } from "@/lib/admin/bulk-revoke";
import type { SessionUser } from "@/lib/auth/users";
import { openMigratedDb } from "@/tests/helpers/db";

// FitRankings and ExorLive document no revocation endpoint, so these runs take the per-row Revoke's whole path
// (lease, transition, event, admin action) without calling any service; bulk-revoke-services.test.ts covers the
// sandbox's TrainerDay (revoked there, and pending when it is down).

const admin: SessionUser = { id: randomUUID(), email: "bulk-admin@test.example", name: "Bulk Admin", role: "admin" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  await openMigratedDb();
  await db.insert(users).values(admin);
});

beforeEach(async () => {
  await db.delete(accounts).where(isNotNull(accounts.id));
});

/** `n` athletes with one `provider` connection each in `state` (a live one holds a token); their connection ids and athlete ids. */
async function seed(n: number, provider: "fitrankings" | "exorlive", state: ConnectionState = "connected", idPrefix = "") {
  const athletes = Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    email: `${randomUUID()}@test.example`,
    name: `Bulk ${String(i).padStart(3, "0")}`,
    role: "athlete" as const,
  }));
  await db.insert(users).values(athletes);
  const live = state !== "disconnected";
  const rows = athletes.map((a) => ({
    id: `${idPrefix}${randomUUID()}`,
    userId: a.id,
    provider,
    providerAccountId: randomUUID(),
    accessToken: live ? "v1.k.i.c.t" : null,
    keyId: live ? "k" : null,
    expiresAt: null,
    state,
    linkedAt: new Date(),
    updatedAt: new Date(),
  }));
  await db.insert(accounts).values(rows);
  return { ids: rows.map((r) => r.id), athleteIds: athletes.map((a) => a.id) };
}

/** Calls revokeNextBatch until done (waiting `busyMs` when another batch holds the lock); every item it reported. */
async function runToEnd(run: BulkRevokeRun, batchSize: number, busyMs = 5): Promise<{ items: BulkRevokeItem[]; calls: number }> {
  const items: BulkRevokeItem[] = [];
  let state = run;
  for (let calls = 1; calls < 10_000; calls++) {
    const batch = await revokeNextBatch(admin, state, batchSize);
    if (batch.busy) {
      await sleep(busyMs);
      continue;
    }
    assert.ok(batch.items.length <= batchSize);
    items.push(...batch.items);
    state = { ...state, processed: batch.processed, after: batch.after };
    if (batch.done) return { items, calls };
  }
  throw new Error("the run never finished");
}

const statesOf = async (ids: string[]) =>
  (await db.select({ id: accounts.id, state: accounts.state, token: accounts.accessToken }).from(accounts).where(inArray(accounts.id, ids))).map(
    (r) => `${r.state}${r.token ? "+token" : ""}`,
  );

const revokedActions = async (athleteIds: string[]) =>
  db
    .select()
    .from(adminActions)
    .where(and(eq(adminActions.kind, "connection_revoked"), inArray(adminActions.targetUserId, athleteIds)));

const disconnectEvents = async (athleteIds: string[]) =>
  db
    .select()
    .from(connectionEvents)
    .where(and(eq(connectionEvents.kind, "disconnected"), inArray(connectionEvents.athleteId, athleteIds)));

describe("bulk revoke", () => {
  it("revokes only the revocable rows that match the filters, each with one admin action and one event by the admin", async () => {
    const target = await seed(12, "fitrankings");
    const gone = await seed(3, "fitrankings", "disconnected");
    const reauth = await seed(4, "exorlive", "needs_reauth");
    const otherService = await seed(5, "exorlive");
    const counts = await countBulk({ service: "fitrankings" }, Promise.resolve({ count: 15, more: false }));
    assert.deepEqual(counts.revocable, { count: 12, more: false }, "the disconnected ones are not counted for revoke");

    const { items, calls } = await runToEnd({ filter: { service: "fitrankings" }, confirmed: 12, processed: 0, after: null }, 5);
    assert.equal(calls, 3, "batches of 5, 5 and 2");
    assert.deepEqual(items.map((i) => i.id).sort(), [...target.ids].sort());
    assert.ok(items.every((i) => i.outcome === "revoked" && i.serviceName === "FitRankings"));
    assert.deepEqual(await statesOf(target.ids), Array(12).fill("disconnected"));
    assert.deepEqual(await statesOf(otherService.ids), Array(5).fill("connected+token"), "another service's rows are untouched");
    assert.deepEqual(await statesOf(reauth.ids), Array(4).fill("needs_reauth+token"));

    const actions = await revokedActions(target.athleteIds);
    assert.equal(actions.length, 12);
    assert.deepEqual(new Set(actions.map((a) => a.targetUserId)), new Set(target.athleteIds));
    assert.ok(actions.every((a) => a.actorId === admin.id && a.service === "fitrankings"));
    const events = await disconnectEvents(target.athleteIds);
    assert.equal(events.length, 12);
    assert.ok(events.every((e) => e.actorId === admin.id));
    assert.equal((await revokedActions(gone.athleteIds)).length, 0);

    // The status filter uses the list's status SQL: only the needs-reconnect ExorLive rows.
    const second = await runToEnd({ filter: { service: "exorlive", status: "needs_reauth" }, confirmed: 4, processed: 0, after: null }, 10);
    assert.deepEqual(second.items.map((i) => i.id).sort(), [...reauth.ids].sort());
    assert.deepEqual(await statesOf(reauth.ids), Array(4).fill("disconnected"));
    assert.deepEqual(await statesOf(otherService.ids), Array(5).fill("connected+token"));
  });

  it("never attempts more than the confirmed count, even when rows newly match mid-run", async () => {
    const first = await seed(6, "fitrankings");
    const run: BulkRevokeRun = { filter: { service: "fitrankings" }, confirmed: 6, processed: 0, after: null };
    const batch = await revokeNextBatch(admin, run, 4);
    assert.ok(!batch.busy);
    assert.equal(batch.items.length, 4);
    // New rows that sort after every id already seen: they match now and would be next.
    const late = await seed(5, "fitrankings", "connected", "zzzz-");
    const rest = await runToEnd({ ...run, processed: batch.processed, after: batch.after }, 4);
    assert.equal(rest.items.length, 2, "4 + 2 = the 6 confirmed");
    const all = [...batch.items, ...rest.items].map((i) => i.id);
    assert.equal(new Set(all).size, 6);
    const stillLive = (await statesOf([...first.ids, ...late.ids])).filter((s) => s !== "disconnected");
    assert.equal(stillLive.length, 5, "five of the eleven matching rows are left");
    assert.equal((await revokedActions([...first.athleteIds, ...late.athleteIds])).length, 6);

    const over = await revokeNextBatch(admin, { ...run, processed: 6 }, 4);
    assert.deepEqual(over, { busy: false, items: [], processed: 6, after: null, done: true }, "a spent run revokes nothing");
  });

  it("two concurrent runs over the same filters revoke each row once; a restarted run picks up only what is left", async () => {
    const target = await seed(30, "fitrankings");
    const run: BulkRevokeRun = { filter: { service: "fitrankings" }, confirmed: 30, processed: 0, after: null };
    const [a, b] = await Promise.all([runToEnd(run, 4, 1), runToEnd(run, 4, 1)]);
    const ids = [...a.items, ...b.items].map((i) => i.id);
    assert.equal(ids.length, 30, `run A attempted ${a.items.length}, run B ${b.items.length}`);
    assert.equal(new Set(ids).size, 30, "no row attempted twice");
    assert.ok([...a.items, ...b.items].every((i) => i.outcome === "revoked"));
    const actions = await revokedActions(target.athleteIds);
    assert.equal(actions.length, 30);
    assert.equal(new Set(actions.map((x) => x.targetUserId)).size, 30, "one connection_revoked per connection");
    assert.equal((await disconnectEvents(target.athleteIds)).length, 30, "one event per connection");

    // Stopped after one batch, then started again from the top: nothing is revoked twice.
    const more = await seed(9, "exorlive");
    const stopped = await revokeNextBatch(admin, { filter: { service: "exorlive" }, confirmed: 9, processed: 0, after: null }, 4);
    assert.ok(!stopped.busy && stopped.items.length === 4);
    const restarted = await runToEnd({ filter: { service: "exorlive" }, confirmed: 9, processed: 0, after: null }, 4);
    assert.equal(restarted.items.length, 5);
    assert.equal(new Set([...stopped.items, ...restarted.items].map((i) => i.id)).size, 9);
    assert.equal((await disconnectEvents(more.athleteIds)).length, 9);
    assert.equal((await revokedActions(more.athleteIds)).length, 9);
  });

  it("rows revoked by someone else after the count was confirmed are not picked; the run ends short of the count", async () => {
    const target = await seed(5, "fitrankings");
    // Another admin's per-row Revoke (the same path) ends two of them before the run starts.
    const [first, second] = target.ids;
    await db
      .update(accounts)
      .set({ state: "disconnected", accessToken: null })
      .where(inArray(accounts.id, [first!, second!]));
    const { items } = await runToEnd({ filter: {}, confirmed: 5, processed: 0, after: null }, 10);
    assert.deepEqual(items.map((i) => i.id).sort(), target.ids.slice(2).sort());
    assert.equal((await revokedActions(target.athleteIds)).length, 3);
  });

  it("records one bulk_revoke admin action with the count and filters; refuses a count out of range and non-admins", async () => {
    const [athlete] = (await seed(1, "fitrankings")).athleteIds;
    const started = await startBulkRevoke(admin, { service: "fitrankings", status: "connected", athlete }, 37);
    assert.deepEqual(started, { ok: "Revoking up to 37 connection(s)." });
    const rows = await db.select().from(adminActions).where(eq(adminActions.kind, "bulk_revoke"));
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.actorId, admin.id);
    assert.equal(rows[0]!.targetUserId, athlete);
    assert.equal(rows[0]!.service, "fitrankings");
    assert.equal(rows[0]!.detail, `bulk revoke of up to 37 connection(s) confirmed (service=fitrankings status=connected athlete=${athlete})`);

    assert.ok("error" in (await startBulkRevoke(admin, {}, 0)));
    assert.ok("error" in (await startBulkRevoke(admin, {}, 10_001)));
    const coach: SessionUser = { ...admin, role: "coach" };
    await assert.rejects(startBulkRevoke(coach, {}, 3), /permission/);
    await assert.rejects(revokeNextBatch(coach, { filter: {}, confirmed: 3, processed: 0, after: null }), /permission/);
    assert.equal((await db.select().from(adminActions).where(eq(adminActions.kind, "bulk_revoke"))).length, 1);
  });
});
