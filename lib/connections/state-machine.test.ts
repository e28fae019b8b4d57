import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { and, eq, inArray } from "drizzle-orm";
import fc from "fast-check";
import { db } from "@/db";
import { accounts, connectionEvents, users, type ConnectionState } from "@/db/schema";
import { stateDiagram } from "@/lib/connections/state-machine";
import { connectionStatus } from "@/lib/connections/status";
import { LISTABLE_STATUSES, statusCondition } from "@/lib/connections/status-sql";
import * as transitions from "@/lib/connections/transitions";
import { openMigratedDb } from "@/tests/helpers/db";

before(async () => {
  await openMigratedDb();
});

function athlete(): string {
  const id = randomUUID();
  db.insert(users)
    .values({ id, email: `${id}@test.example`, name: "State Athlete", role: "athlete" })
    .run();
  return id;
}

/** A connection row in `state`, written directly (a test fixture, not product code). */
function connection(state: ConnectionState, over: Partial<typeof accounts.$inferInsert> = {}) {
  const userId = athlete();
  const id = randomUUID();
  db.insert(accounts)
    .values({
      id,
      userId,
      provider: "trainerday",
      state,
      accessToken: state === "disconnected" ? null : "v1.k.iv.ct.tag",
      refreshToken: "v1.k.iv.ct.tag",
      updatedAt: new Date(),
      ...over,
    })
    .run();
  return db.select().from(accounts).where(eq(accounts.id, id)).get()!;
}

const eventsOf = (userId: string) => db.select().from(connectionEvents).where(eq(connectionEvents.athleteId, userId)).all();

describe("the connection state machine", () => {
  it("is drawn in docs/connection-states.md exactly as the transition table says", () => {
    const doc = readFileSync("docs/connection-states.md", "utf8");
    assert.ok(doc.includes("```mermaid\n" + stateDiagram() + "\n```"), "docs/connection-states.md is stale: run npm run docs:states");
  });

  it("refuses a transition from a state it may not start from, with a typed error, and writes nothing", () => {
    const gone = connection("disconnected");
    const cases: [string, () => void][] = [
      ["refreshFailed", () => transitions.refreshFailed(gone, "owner", { message: "x", nextAttemptAt: new Date(), failures: 1 }, null, "x")],
      ["needsReauth", () => transitions.needsReauth(gone, null, "x", null)],
      ["disconnected", () => transitions.disconnected(gone, null, "x")],
      ["revokedByService", () => transitions.revokedByService(gone, "x")],
      ["planChanged", () => transitions.planChanged(gone, "x")],
    ];
    for (const [name, run] of cases) {
      assert.throws(
        run,
        (error: unknown) => error instanceof transitions.IllegalTransitionError && error.transition === name && error.actual === "disconnected",
        name,
      );
    }
    assert.deepEqual(db.select().from(accounts).where(eq(accounts.id, gone.id)).get(), gone);
    assert.deepEqual(eventsOf(gone.userId), []);
  });

  it("refuses a leased transition for a caller that does not hold the lease", () => {
    const row = connection("connected");
    assert.equal(transitions.claimLease(row.id, "holder", "connected"), true);
    assert.throws(
      () => transitions.refreshFailed(row, "intruder", { message: "x", nextAttemptAt: new Date(), failures: 1 }, null, "x"),
      (error: unknown) => error instanceof transitions.IllegalTransitionError && error.leaseLost,
    );
    transitions.refreshFailed(row, "holder", { message: "503", nextAttemptAt: new Date(), failures: 1 }, null, "transient");
    const after = db.select().from(accounts).where(eq(accounts.id, row.id)).get()!;
    assert.equal(after.failureCount, 1);
    assert.equal(after.refreshLeaseOwner, null);
    assert.deepEqual(
      eventsOf(row.userId).map((e) => e.kind),
      ["refresh_failed"],
    );
  });

  it("writes each legal transition's state, columns and events together", () => {
    const row = connection("needs_reauth");
    transitions.disconnected(row, row.userId, "by the athlete");
    const after = db.select().from(accounts).where(eq(accounts.id, row.id)).get()!;
    assert.equal(after.state, "disconnected");
    assert.equal(after.accessToken, null);
    assert.equal(after.refreshToken, null);
    assert.deepEqual(
      eventsOf(row.userId).map((e) => e.kind),
      ["disconnected"],
    );
  });

  it("the admin list's SQL status filter agrees with connectionStatus on random rows (fast-check)", () => {
    const margin = 300;
    const nowMs = 1_800_000_000_123;
    const rowArb = fc.record({
      state: fc.constantFrom(...(["connected", "needs_reauth", "revocation_pending", "revoked_by_service", "disconnected"] as const)),
      hasToken: fc.boolean(),
      failureCount: fc.nat({ max: 3 }),
      expiresAt: fc.option(fc.integer({ min: Math.floor(nowMs / 1000) - 600, max: Math.floor(nowMs / 1000) + 900 })),
    });
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 12 }), (rows) => {
        const ids = rows.map(
          (r) => connection(r.state, { accessToken: r.hasToken ? "v1.k.iv.ct.tag" : null, failureCount: r.failureCount, expiresAt: r.expiresAt }).id,
        );
        for (const listable of LISTABLE_STATUSES) {
          const bySql = db
            .select({ id: accounts.id })
            .from(accounts)
            .where(and(inArray(accounts.id, ids), statusCondition(listable, nowMs, margin)))
            .all()
            .map((r) => r.id)
            .sort();
          const byTs = ids
            .filter((_, i) => {
              const r = rows[i]!;
              return (
                connectionStatus(
                  { state: r.state, accessToken: r.hasToken ? "x" : null, failureCount: r.failureCount, expiresAt: r.expiresAt },
                  true,
                  nowMs,
                  margin,
                ) === listable
              );
            })
            .sort();
          assert.deepEqual(bySql, byTs, listable);
        }
      }),
      { numRuns: 150 },
    );
  });
});
