import assert from "node:assert/strict";
import { inArray } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { db } from "@/db";
import { invitations, oauthFlows, passwordResets, revokedSessions, signInThrottle, users } from "@/db/schema";
import { QUIET_RESET_MS } from "@/lib/auth/throttle";
import { captureLogs } from "@/lib/log";
import { pruneExpiredInvitations, pruneOAuthFlows, pruneRevokedSessions, pruneSignInThrottle, runHousekeeping } from "@/lib/housekeeping";
import { openMigratedDb } from "@/tests/helpers/db";

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;

before(async () => {
  await openMigratedDb();
});

async function newUser(role: "athlete" | "coach" = "athlete"): Promise<string> {
  const id = randomUUID();
  await db.insert(users).values({ id, email: `${id}@test.example`, name: "Housekeeping", role });
  return id;
}

const throttleRow = (lastFailureAgoMs: number) => ({ key: `test:${randomUUID()}`, failures: 3, lastFailureAt: new Date(NOW - lastFailureAgoMs) });

describe("pruning sign_in_throttle", () => {
  it("deletes keys quiet for QUIET_RESET_MS or more and keeps those that failed more recently", async () => {
    const forgotten = [throttleRow(QUIET_RESET_MS), throttleRow(QUIET_RESET_MS + MINUTE), throttleRow(30 * DAY)];
    const live = [throttleRow(QUIET_RESET_MS - MINUTE), throttleRow(MINUTE), throttleRow(0)];
    await db.insert(signInThrottle).values([...forgotten, ...live]);
    assert.equal(await pruneSignInThrottle(NOW), 3);
    assert.deepEqual((await db.select({ key: signInThrottle.key }).from(signInThrottle)).map((r) => r.key).sort(), live.map((r) => r.key).sort());
    await db.delete(signInThrottle).where(
      inArray(
        signInThrottle.key,
        live.map((r) => r.key),
      ),
    );
  });

  it("drains more rows than one batch across statements, and stops at maxRows per call", async () => {
    await db.insert(signInThrottle).values([...Array.from({ length: 2_350 }, () => throttleRow(2 * DAY)), throttleRow(MINUTE)]);
    assert.equal(await pruneSignInThrottle(NOW, { batch: 500, maxRows: 1_200 }), 1_200);
    assert.equal(await pruneSignInThrottle(NOW, { batch: 500, maxRows: 1_200 }), 1_150);
    assert.equal(await pruneSignInThrottle(NOW, { batch: 500, maxRows: 1_200 }), 0);
    assert.equal((await db.select().from(signInThrottle)).length, 1);
  });
});

describe("pruning oauth_flows", () => {
  it("deletes flows expired or consumed more than a day ago and keeps open and recent ones", async () => {
    const userId = await newUser();
    const flow = (name: string, createdAgoMs: number, consumedAgoMs: number | null) => ({
      stateHash: `${name}-${randomUUID()}`,
      service: "trainerday" as const,
      userId,
      returnTo: "/connections",
      createdAt: new Date(NOW - createdAgoMs),
      expiresAt: new Date(NOW - createdAgoMs + 15 * MINUTE),
      consumedAt: consumedAgoMs === null ? null : new Date(NOW - consumedAgoMs),
    });
    await db
      .insert(oauthFlows)
      .values([
        flow("expired-2d", 2 * DAY, null),
        flow("consumed-2d", 2 * DAY, 2 * DAY - MINUTE),
        flow("expired-1d-1h", DAY + 60 * MINUTE, null),
        flow("expired-1h", 60 * MINUTE, null),
        flow("consumed-1h", 60 * MINUTE, 59 * MINUTE),
        flow("open", MINUTE, null),
      ]);
    assert.equal(await pruneOAuthFlows(NOW), 3);
    const left = (await db.select({ stateHash: oauthFlows.stateHash }).from(oauthFlows)).map((r) => r.stateHash.replace(/-[0-9a-f-]{36}$/, ""));
    assert.deepEqual(left.sort(), ["consumed-1h", "expired-1h", "open"]);
  });

  it("drains more rows than one batch and stops at maxRows per call", async () => {
    const userId = await newUser();
    await db.insert(oauthFlows).values(
      Array.from({ length: 1_100 }, () => ({
        stateHash: randomUUID(),
        service: "enduco" as const,
        userId,
        returnTo: "/connections",
        createdAt: new Date(NOW - 3 * DAY),
        expiresAt: new Date(NOW - 3 * DAY + 15 * MINUTE),
      })),
    );
    assert.equal(await pruneOAuthFlows(NOW, { batch: 300, maxRows: 1_000 }), 1_000);
    assert.equal(await pruneOAuthFlows(NOW, { batch: 300, maxRows: 1_000 }), 100);
    assert.equal(await pruneOAuthFlows(NOW), 0);
  });
});

describe("pruning revoked_sessions", () => {
  it("deletes sessions whose cookie has expired and keeps those that could still be presented", async () => {
    const session = (expiresInMs: number) => ({ sid: randomUUID(), expiresAt: new Date(NOW + expiresInMs) });
    const live = [session(MINUTE), session(30 * DAY)];
    await db.insert(revokedSessions).values([...Array.from({ length: 1_234 }, (_, i) => session(-(i + 1) * MINUTE)), ...live]);
    assert.equal(await pruneRevokedSessions(NOW, { batch: 1_000 }), 1_234);
    assert.deepEqual((await db.select({ sid: revokedSessions.sid }).from(revokedSessions)).map((r) => r.sid).sort(), live.map((r) => r.sid).sort());
  });

  it("respects maxRows per call", async () => {
    await db.insert(revokedSessions).values(Array.from({ length: 25 }, () => ({ sid: randomUUID(), expiresAt: new Date(NOW - DAY) })));
    assert.equal(await pruneRevokedSessions(NOW, { batch: 10, maxRows: 15 }), 15);
    assert.equal(await pruneRevokedSessions(NOW, { batch: 10, maxRows: 15 }), 10);
  });
});

describe("pruning invitations", () => {
  it("deletes invitations that expired unused more than 30 days ago and keeps used, open and recently expired ones", async () => {
    const coachId = await newUser("coach");
    const athleteId = await newUser();
    const invitation = (name: string, expiredAgoMs: number, used: boolean) => ({
      id: `${name}-${randomUUID()}`,
      tokenHash: randomUUID(),
      coachId,
      createdAt: new Date(NOW - expiredAgoMs - 7 * DAY),
      expiresAt: new Date(NOW - expiredAgoMs),
      usedAt: used ? new Date(NOW - expiredAgoMs - 6 * DAY) : null,
      usedBy: used ? athleteId : null,
    });
    await db
      .insert(invitations)
      .values([
        invitation("unused-expired-31d", 31 * DAY, false),
        invitation("unused-expired-400d", 400 * DAY, false),
        invitation("used-expired-400d", 400 * DAY, true),
        invitation("unused-expired-29d", 29 * DAY, false),
        invitation("open", -3 * DAY, false),
      ]);
    assert.equal(await pruneExpiredInvitations(NOW), 2);
    const left = (await db.select({ id: invitations.id }).from(invitations)).map((r) => r.id.replace(/-[0-9a-f-]{36}$/, ""));
    assert.deepEqual(left.sort(), ["open", "unused-expired-29d", "used-expired-400d"]);
  });

  it("drains more rows than one batch and stops at maxRows per call", async () => {
    const coachId = await newUser("coach");
    await db.insert(invitations).values(
      Array.from({ length: 1_005 }, () => ({
        id: randomUUID(),
        tokenHash: randomUUID(),
        coachId,
        createdAt: new Date(NOW - 60 * DAY),
        expiresAt: new Date(NOW - 53 * DAY),
      })),
    );
    assert.equal(await pruneExpiredInvitations(NOW, { maxRows: 1_001 }), 1_001);
    assert.equal(await pruneExpiredInvitations(NOW, { maxRows: 1_001 }), 4);
  });
});

describe("runHousekeeping", () => {
  it("prunes every table and answers the count per table", async () => {
    await db.insert(signInThrottle).values([throttleRow(2 * DAY), throttleRow(2 * DAY)]);
    await db.insert(revokedSessions).values({ sid: randomUUID(), expiresAt: new Date(NOW - DAY) });
    const resetOwner = randomUUID();
    await db.insert(users).values({ id: resetOwner, email: `${resetOwner}@test.example`, name: "Reset owner" });
    await db.insert(passwordResets).values([
      {
        id: randomUUID(),
        tokenHash: randomUUID(),
        userId: resetOwner,
        createdAt: new Date(NOW - 2 * DAY),
        expiresAt: new Date(NOW - 2 * DAY + 1_800_000),
      },
      {
        id: randomUUID(),
        tokenHash: randomUUID(),
        userId: resetOwner,
        createdAt: new Date(NOW - DAY / 2),
        expiresAt: new Date(NOW - DAY / 2 + 1_800_000),
      },
    ]);
    const counts = await runHousekeeping(NOW);
    assert.deepEqual(counts, {
      connection_events: 0,
      webhook_deliveries: 0,
      sign_in_throttle: 2,
      oauth_flows: 0,
      revoked_sessions: 1,
      invitations: 0,
      password_resets: 1,
    });
  });

  it("logs a failing prune by table and error name only, answers null for it, and still runs the others", async () => {
    await db.insert(revokedSessions).values({ sid: randomUUID(), expiresAt: new Date(NOW - DAY) });
    const logged = await captureLogs(async () => {
      const counts = await runHousekeeping(NOW, {
        sign_in_throttle: () => Promise.reject(new TypeError("secret detail")),
        revoked_sessions: pruneRevokedSessions,
      });
      assert.deepEqual(counts, { sign_in_throttle: null, revoked_sessions: 1 });
    });
    assert.deepEqual(
      logged.map(({ level, component, msg, table, error }) => ({ level, component, msg, table, error })),
      [{ level: "error", component: "housekeeping", msg: "pruning failed", table: "sign_in_throttle", error: "TypeError" }],
    );
    assert.doesNotMatch(JSON.stringify(logged), /secret detail/);
  });
});
