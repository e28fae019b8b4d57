import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { and, eq, inArray } from "drizzle-orm";
import { db } from "@/db";
import { countUpTo } from "@/db/count";
import { accounts, CONNECTION_STATES, users } from "@/db/schema";
import { countBulk, describeBulkSelection, filterDetail, revocableCondition } from "@/lib/admin/bulk-filter";
import { connectionStatus } from "@/lib/connections/status";
import { openMigratedDb } from "@/tests/helpers/db";

before(async () => {
  await openMigratedDb();
});

describe("bulk filters", () => {
  it("revocableCondition selects exactly the rows whose derived status offers a per-row Revoke", async () => {
    const athlete = randomUUID();
    await db.insert(users).values({ id: athlete, email: `${athlete}@test.example`, name: "Filter", role: "athlete" });
    const services = ["trainerday", "enduco", "fitrankings", "exorlive"] as const;
    const now = Date.now();
    // Every stored state × token or not × failures or not, spread over the services (one row per athlete and service).
    const combos = CONNECTION_STATES.flatMap((state) =>
      [true, false].flatMap((token) => [0, 2].map((failureCount) => ({ state, token, failureCount }))),
    );
    const rows = [];
    for (const [i, c] of combos.entries()) {
      const userId = i < services.length ? athlete : randomUUID();
      if (userId !== athlete) await db.insert(users).values({ id: userId, email: `${userId}@test.example`, name: "Filter", role: "athlete" });
      rows.push({
        id: randomUUID(),
        userId,
        provider: services[i % services.length]!,
        providerAccountId: randomUUID(),
        accessToken: c.token ? "v1.k.i.c.t" : null,
        expiresAt: Math.floor(now / 1000) + (i % 3 === 0 ? 60 : 86_400),
        failureCount: c.failureCount,
        scope: null,
        state: c.state,
        updatedAt: new Date(now),
      });
    }
    await db.insert(accounts).values(rows);
    const ids = rows.map((r) => r.id);
    const selected = await db
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(inArray(accounts.id, ids), revocableCondition()));
    const expected = rows.filter((r) => !["not_connected", "revoked_by_service"].includes(connectionStatus(r, true, now))).map((r) => r.id);
    assert.deepEqual(selected.map((r) => r.id).sort(), expected.sort());
    assert.ok(expected.length > 0 && expected.length < rows.length);

    const counts = await countBulk({ athlete }, countUpTo(accounts, eq(accounts.userId, athlete)));
    assert.equal(counts.matching.count, 4);
    assert.equal(counts.revocable.count, rows.slice(0, 4).filter((r) => expected.includes(r.id)).length);
  });

  it("a status filter decides the revocable count without a query: all of a live status, none of a gone one", async () => {
    const total = { count: 12_000, more: true } as const;
    assert.deepEqual(await countBulk({ status: "needs_reauth" }, Promise.resolve(total)), { matching: total, revocable: total });
    assert.deepEqual(await countBulk({ status: "revoked_by_service" }, Promise.resolve(total)), {
      matching: total,
      revocable: { count: 0, more: false },
    });
  });

  it("says the selection in words, and the filters for the audit log", () => {
    assert.equal(
      describeBulkSelection(37, { service: "trainerday", status: "needs_reauth" }, null),
      "37 TrainerDay connections with status Needs reconnect",
    );
    assert.equal(describeBulkSelection(1, { athlete: "a1" }, "Ada Lovelace"), "1 connection of Ada Lovelace");
    assert.equal(describeBulkSelection(12_345, {}, null), "12,345 connections");
    assert.equal(filterDetail({}), "no filters");
    assert.equal(filterDetail({ service: "enduco", status: "connected", athlete: "a1" }), "service=enduco status=connected athlete=a1");
  });
});
