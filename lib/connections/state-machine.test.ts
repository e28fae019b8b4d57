import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { and, eq, inArray, sql } from "drizzle-orm";
import fc from "fast-check";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, connectionEvents, SERVICE_IDS, users, type ConnectionState, type ServiceId } from "@/db/schema";
import { stateDiagram } from "@/lib/connections/state-machine";
import { connectionStatus } from "@/lib/connections/status";
import { LISTABLE_STATUSES, statusCondition } from "@/lib/connections/status-sql";
import { REQUIRED_SCOPES } from "@/lib/integrations/required-scopes";
import * as transitions from "@/lib/connections/transitions";
import { openMigratedDb } from "@/tests/helpers/db";

before(async () => {
  await openMigratedDb();
});

async function athlete(): Promise<string> {
  const id = randomUUID();
  await db.insert(users).values({ id, email: `${id}@test.example`, name: "State Athlete", role: "athlete" });
  return id;
}

/** A connection row in `state`, written directly (a test fixture, not product code). */
async function connection(state: ConnectionState, over: Partial<typeof accounts.$inferInsert> = {}) {
  const userId = await athlete();
  const id = randomUUID();
  await db.insert(accounts).values({
    id,
    userId,
    provider: "trainerday",
    state,
    accessToken: state === "disconnected" ? null : "v1.k.iv.ct.tag",
    refreshToken: "v1.k.iv.ct.tag",
    updatedAt: new Date(),
    ...over,
  });
  return (await db.select().from(accounts).where(eq(accounts.id, id)).limit(1).then(firstRow))!;
}

const eventsOf = (userId: string) => db.select().from(connectionEvents).where(eq(connectionEvents.athleteId, userId));

describe("the connection state machine", () => {
  it("is drawn in docs/connection-states.md exactly as the transition table says", () => {
    const doc = readFileSync("docs/connection-states.md", "utf8");
    assert.ok(doc.includes("```mermaid\n" + stateDiagram() + "\n```"), "docs/connection-states.md is stale: run npm run docs:states");
  });

  it("finding who holds a service account uses the partial unique index (no scan of every connection)", async () => {
    const query = db
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.provider, "enduco"), eq(accounts.providerAccountId, "x"), transitions.LIVE_STATE_SQL))
      .toSQL();
    if (db.engine === "sqlite") {
      const plan = await db.execute(sql.raw(`EXPLAIN QUERY PLAN ${query.sql.replace(/\?/g, () => "'x'")}`));
      assert.match(JSON.stringify(plan.rows), /accounts_provider_account_live_uq/);
    } else {
      // A tiny table is cheaper to scan: forbid that, so the plan shows whether the index can be used at all.
      const plan = await db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL enable_seqscan = off`);
        return tx.execute(sql.raw(`EXPLAIN ${query.sql.replace(/\$\d+/g, "'x'")}`));
      });
      assert.match(JSON.stringify(plan.rows), /accounts_provider_account_live_uq/);
    }
  });

  it("refuses a transition from a state it may not start from, with a typed error, and writes nothing", async () => {
    const gone = await connection("disconnected");
    const cases: [string, () => Promise<void>][] = [
      ["refreshFailed", () => transitions.refreshFailed(gone, "owner", { message: "x", nextAttemptAt: new Date(), failures: 1 }, null, "x")],
      ["needsReauth", () => transitions.needsReauth(gone, null, "x", null)],
      ["disconnected", () => transitions.disconnected(gone, null, "x")],
      ["revokedByService", () => transitions.revokedByService(gone, "x")],
      ["planChanged", () => transitions.planChanged(gone, "x")],
    ];
    for (const [name, run] of cases) {
      await assert.rejects(
        run,
        (error: unknown) => error instanceof transitions.IllegalTransitionError && error.transition === name && error.actual === "disconnected",
        name,
      );
    }
    assert.deepEqual(await db.select().from(accounts).where(eq(accounts.id, gone.id)).limit(1).then(firstRow), gone);
    assert.deepEqual(await eventsOf(gone.userId), []);
  });

  it("refuses a leased transition for a caller that does not hold the lease", async () => {
    const row = await connection("connected");
    assert.equal(await transitions.claimLease(row.id, "holder", "connected"), true);
    await assert.rejects(
      () => transitions.refreshFailed(row, "intruder", { message: "x", nextAttemptAt: new Date(), failures: 1 }, null, "x"),
      (error: unknown) => error instanceof transitions.IllegalTransitionError && error.leaseLost,
    );
    await transitions.refreshFailed(row, "holder", { message: "503", nextAttemptAt: new Date(), failures: 1 }, null, "transient");
    const after = (await db.select().from(accounts).where(eq(accounts.id, row.id)).limit(1).then(firstRow))!;
    assert.equal(after.failureCount, 1);
    assert.equal(after.refreshLeaseOwner, null);
    assert.deepEqual(
      (await eventsOf(row.userId)).map((e) => e.kind),
      ["refresh_failed"],
    );
  });

  it("writes each legal transition's state, columns and events together", async () => {
    const row = await connection("needs_reauth");
    await transitions.disconnected(row, row.userId, "by the athlete");
    const after = (await db.select().from(accounts).where(eq(accounts.id, row.id)).limit(1).then(firstRow))!;
    assert.equal(after.state, "disconnected");
    assert.equal(after.accessToken, null);
    assert.equal(after.refreshToken, null);
    assert.deepEqual(
      (await eventsOf(row.userId)).map((e) => e.kind),
      ["disconnected"],
    );
  });

  it("the admin list's SQL status filter agrees with connectionStatus on random rows, scopes included (fast-check)", async () => {
    const margin = 300;
    const nowMs = 1_800_000_000_123;
    // A row's scope: some of its service's required scopes in any order, near misses a sloppy match would take
    // for one (another case, `_` and `:` as LIKE wildcards would read them, a prefix, a longer id), other scopes,
    // joined by one space, two, or a tab; or null. Connected rows without failures are the likeliest, since
    // that is where missing_permissions is decided.
    const nearMisses = (scope: string) => [scope.toUpperCase(), scope.replace(/[_:]/, "X"), scope.replace(/[_:]/, "%"), `${scope}2`, `x${scope}`];
    const scopeArb = (provider: ServiceId) => {
      const required = REQUIRED_SCOPES[provider];
      const pieces = [...required, ...required.flatMap(nearMisses), "workouts_write", "read_calendar", "calendar:write"];
      return fc.option(
        fc.tuple(fc.shuffledSubarray([...new Set(pieces)]), fc.constantFrom(" ", "  ", "\t")).map(([chosen, separator]) => chosen.join(separator)),
        { freq: 10 },
      );
    };
    const rowArb = fc.constantFrom(...SERVICE_IDS).chain((provider) =>
      fc.record({
        provider: fc.constant(provider),
        state: fc.oneof(
          { arbitrary: fc.constant("connected" as const), weight: 4 },
          fc.constantFrom(...(["needs_reauth", "revocation_pending", "revoked_by_service", "disconnected"] as const)),
        ),
        hasToken: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, fc.constant(false)),
        failureCount: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, fc.integer({ min: 1, max: 3 })),
        expiresAt: fc.option(fc.integer({ min: Math.floor(nowMs / 1000) - 600, max: Math.floor(nowMs / 1000) + 900 })),
        scope: scopeArb(provider),
      }),
    );
    const counts = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 12 }), async (rows) => {
        const ids: string[] = [];
        for (const r of rows) {
          ids.push(
            (
              await connection(r.state, {
                provider: r.provider,
                accessToken: r.hasToken ? "v1.k.iv.ct.tag" : null,
                failureCount: r.failureCount,
                expiresAt: r.expiresAt,
                scope: r.scope,
              })
            ).id,
          );
        }
        for (const listable of LISTABLE_STATUSES) {
          const bySql = (
            await db
              .select({ id: accounts.id })
              .from(accounts)
              .where(and(inArray(accounts.id, ids), statusCondition(listable, nowMs, margin)))
          )
            .map((r) => r.id)
            .sort();
          const byTs = ids
            .filter((_, i) => {
              const r = rows[i]!;
              return (
                connectionStatus(
                  {
                    provider: r.provider,
                    state: r.state,
                    accessToken: r.hasToken ? "x" : null,
                    failureCount: r.failureCount,
                    expiresAt: r.expiresAt,
                    scope: r.scope,
                  },
                  true,
                  nowMs,
                  margin,
                ) === listable
              );
            })
            .sort();
          assert.deepEqual(bySql, byTs, listable);
          counts.set(listable, (counts.get(listable) ?? 0) + byTs.length);
        }
      }),
      { numRuns: 150 },
    );
    // The generators reach every status, missing_permissions included (else the property proves little).
    for (const listable of LISTABLE_STATUSES) assert.ok((counts.get(listable) ?? 0) > 0, `no random row was ${listable}`);
  });
});
