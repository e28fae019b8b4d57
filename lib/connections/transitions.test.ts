/**
 * What the transitions (lib/connections/transitions.ts) write to lastVerifiedAt and failingSince, on the engine of
 * the run: when a connection last proved to work, and since when its refreshes have been failing.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, users, type Account, type ConnectionState } from "@/db/schema";
import * as transitions from "@/lib/connections/transitions";
import { openMigratedDb } from "@/tests/helpers/db";

before(async () => {
  await openMigratedDb();
});

const LONG_AGO = new Date(Date.UTC(2030, 0, 1));

async function athlete(): Promise<string> {
  const id = randomUUID();
  await db.insert(users).values({ id, email: `${id}@test.example`, name: "Verified Athlete", role: "athlete" });
  return id;
}

/** A connection row in `state`, written directly (a test fixture, not product code). */
async function connection(state: ConnectionState, over: Partial<typeof accounts.$inferInsert> = {}): Promise<Account> {
  const id = randomUUID();
  await db.insert(accounts).values({
    id,
    userId: await athlete(),
    provider: "trainerday",
    state,
    accessToken: "v1.k.iv.ct.tag",
    refreshToken: "v1.k.iv.ct.tag",
    updatedAt: new Date(),
    ...over,
  });
  return read(id);
}

const read = async (id: string): Promise<Account> => (await db.select().from(accounts).where(eq(accounts.id, id)).limit(1).then(firstRow))!;

/** Asserts `date` lies between `from` and now (both in milliseconds). */
function recent(date: Date | null, from: number, what: string): void {
  assert.ok(date, `${what} is set`);
  assert.ok(date.getTime() >= from && date.getTime() <= Date.now(), `${what} is now (${date.toISOString()})`);
}

const failure = (failures: number) => ({ message: "HTTP 503", nextAttemptAt: new Date(Date.now() + 30_000), failures });

describe("last verified and failing since", () => {
  it("linked: verified now, and a relink ends the failing run", async () => {
    const start = Date.now();
    const userId = await athlete();
    const tokens = { accessToken: "at-1", refreshToken: "rt-1", expiresAt: null, tokenType: "Bearer", grantedScope: ["athlete:read"] };
    const input = {
      athleteId: userId,
      actorId: userId,
      service: "trainerday" as const,
      tokens,
      accountId: null,
      requestedScopes: [],
      environment: "sandbox",
    };
    const id = await transitions.linked(input);
    const first = await read(id);
    recent(first.lastVerifiedAt, start, "lastVerifiedAt");
    assert.equal(first.failingSince, null);

    assert.equal(await transitions.claimLease(id, "refresher", "connected"), true);
    await transitions.refreshFailed(first, "refresher", failure(1), null, "transient");
    assert.ok((await read(id)).failingSince, "failing");
    const relinkedAt = Date.now();
    await transitions.linked({ ...input, tokens: { ...tokens, accessToken: "at-2" } });
    const relinked = await read(id);
    recent(relinked.lastVerifiedAt, relinkedAt, "lastVerifiedAt after the relink");
    assert.equal(relinked.failingSince, null);
    assert.equal(relinked.failureCount, 0);
  });

  it("refreshFailed: failingSince is the first failure of the run, kept by the next ones; refreshed: verified now, run over", async () => {
    const row = await connection("connected", { lastVerifiedAt: LONG_AGO });
    const start = Date.now();
    assert.equal(await transitions.claimLease(row.id, "refresher", "connected"), true);
    await transitions.refreshFailed(row, "refresher", failure(1), null, "transient");
    const once = await read(row.id);
    recent(once.failingSince, start, "failingSince");
    assert.deepEqual(once.lastVerifiedAt, LONG_AGO, "a failure proves nothing");

    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await transitions.claimLease(row.id, "refresher", "connected"), true);
    // The row as read before the first failure (failingSince null): the stored instant still wins.
    await transitions.refreshFailed(row, "refresher", failure(2), null, "transient");
    const twice = await read(row.id);
    assert.equal(twice.failureCount, 2);
    assert.deepEqual(twice.failingSince, once.failingSince, "the run began at the first failure");

    const refreshedAt = Date.now();
    assert.equal(await transitions.claimLease(row.id, "refresher", "connected"), true);
    await transitions.refreshed(twice, "refresher", { accessToken: "new", refreshToken: null, expiresAt: null, grantedScope: null }, null, "ok");
    const after = await read(row.id);
    recent(after.lastVerifiedAt, refreshedAt, "lastVerifiedAt");
    assert.deepEqual(after.lastVerifiedAt, after.lastRefreshedAt);
    assert.equal(after.failingSince, null);
    assert.equal(after.failureCount, 0);
  });

  it("disconnected and revokedByService end the failing run", async () => {
    for (const end of [
      (row: Account) => transitions.disconnected(row, row.userId, "by the athlete"),
      (row: Account) => transitions.revokedByService(row, "cancelled at the service"),
    ]) {
      const row = await connection("connected", { failureCount: 3, failingSince: LONG_AGO });
      await end(row);
      const after = await read(row.id);
      assert.equal(after.failingSince, null, after.state);
      assert.equal(after.failureCount, 0);
    }
  });

  it("verified: lastVerifiedAt now and the lease freed, only for the lease holder of a connected row; no state change", async () => {
    const row = await connection("connected", { lastVerifiedAt: LONG_AGO });
    assert.equal(await transitions.verified(row.id, "verifier"), false, "no lease held");
    assert.deepEqual((await read(row.id)).lastVerifiedAt, LONG_AGO);

    assert.equal(await transitions.claimLease(row.id, "other", "connected"), true);
    assert.equal(await transitions.verified(row.id, "verifier"), false, "another holds the lease");
    assert.deepEqual((await read(row.id)).lastVerifiedAt, LONG_AGO);
    await transitions.releaseLease(row.id, "other");

    const start = Date.now();
    assert.equal(await transitions.claimLease(row.id, "verifier", "connected"), true);
    assert.equal(await transitions.verified(row.id, "verifier"), true);
    const after = await read(row.id);
    recent(after.lastVerifiedAt, start, "lastVerifiedAt");
    assert.equal(after.refreshLeaseOwner, null);
    assert.equal(after.refreshLeaseUntil, null);
    assert.equal(after.state, "connected");
    assert.deepEqual({ ...after, lastVerifiedAt: null, updatedAt: null }, { ...row, lastVerifiedAt: null, updatedAt: null }, "nothing else written");

    const gone = await connection("needs_reauth");
    assert.equal(await transitions.claimLease(gone.id, "verifier", "needs_reauth"), true);
    assert.equal(await transitions.verified(gone.id, "verifier"), false, "only a connected row is verified");
    assert.equal((await read(gone.id)).lastVerifiedAt, null);
  });
});
