import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { and, gte, inArray, isNotNull } from "drizzle-orm";
import { accounts, users } from "@/db/schema";
import { openToken } from "@/lib/connections/sealing";
import { getFreshAccessToken } from "@/lib/connections/refresh";
import { claimDue, releaseLease } from "@/lib/connections/transitions";
import { getIntegration } from "@/lib/integrations/registry";
import { storeLinkedConnection } from "@/lib/linking/store";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";
import { installShutdownHandlers, shutDown } from "@/lib/shutdown";
import { startShutdownInstance } from "@/scripts/shutdown-instances";

// Issue 17, "Graceful shutdown": a separate process running the background refresher with the server's own
// SIGTERM handlers (lib/shutdown.ts) is signalled in the middle of a refresh burst against the real sandbox,
// slowed down. Runs on the engine of the run: SQLite (npm test) or PostgreSQL (npm run test:pg).

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;

before(async () => {
  env = await startLifecycleEnv();
});
after(async () => {
  await latency(0);
  await env.sandbox.close();
});

/** Every sandbox service call waits `ms` milliseconds before it is served. */
async function latency(ms: number) {
  const res = await fetch(`${env.sandbox.url}/__sandbox/latency`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ms }),
  });
  assert.equal(res.status, 200);
}

/** `count` connections (TrainerDay, which rotates its refresh token, and enduco, alternately) linked through the sandbox, all due now. */
async function linkDue(count: number): Promise<string[]> {
  const athletes = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    service: i % 2 === 0 ? ("trainerday" as const) : ("enduco" as const),
  }));
  await env.db
    .insert(users)
    .values(athletes.map((a) => ({ id: a.id, email: `${a.id}@test.example`, name: "Shutdown test", role: "athlete" as const })));
  for (let i = 0; i < athletes.length; i += 8) {
    await Promise.all(
      athletes.slice(i, i + 8).map(async ({ id, service }) => {
        const { integration, exchange } = await env.issueTokens(service, `${service}-${id.slice(0, 13)}`);
        await storeLinkedConnection({ athleteId: id, actorId: id, integration, tokens: exchange.tokens, accountId: exchange.accountId });
      }),
    );
  }
  const rows = await env.db
    .select({ id: accounts.id })
    .from(accounts)
    .where(
      inArray(
        accounts.userId,
        athletes.map((a) => a.id),
      ),
    );
  const ids = rows.map((r) => r.id);
  await env.db
    .update(accounts)
    .set({ expiresAt: Math.floor(Date.now() / 1000) - 10 })
    .where(inArray(accounts.id, ids));
  return ids;
}

async function rowsOf(ids: string[]) {
  return env.db.select().from(accounts).where(inArray(accounts.id, ids));
}

/** Polls `check` every 50 ms until it holds, for at most `ms` milliseconds. */
async function until(check: () => Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("graceful shutdown (SIGTERM to a process running the refresher)", () => {
  it("mid-burst: exits 0 within the budget, no lease left held, no token lost, earlier refreshes kept", { timeout: 120_000 }, async () => {
    const ids = await linkDue(40);
    const startedAt = new Date();
    await latency(700);
    const instance = startShutdownInstance({
      SHUTDOWN_TIMEOUT_MS: "6000",
      REFRESHER_INTERVAL_MS: "200",
      REFRESHER_CONCURRENCY: "6",
      OUTBOUND_TIMEOUT_MS: "10000",
    });
    await instance.ready;
    const refreshedSoFar = async () =>
      env.db
        .select()
        .from(accounts)
        .where(and(inArray(accounts.id, ids), gte(accounts.lastRefreshedAt, startedAt)));
    await until(async () => (await refreshedSoFar()).length >= 6, 60_000, "the first refreshes");
    const beforeSignal = await refreshedSoFar();
    instance.signal("SIGTERM");
    const { code, output, afterSignalMs } = await instance.exited;
    await latency(0);

    assert.equal(code, 0, `exit code 0; output:\n${output}`);
    assert.ok(afterSignalMs <= 6_000 + 1_000, `exited ${afterSignalMs} ms after SIGTERM`);
    assert.match(output, /SIGTERM received: no new work/);
    assert.match(output, /work in flight finished/);

    const rows = await rowsOf(ids);
    assert.deepEqual(
      rows.filter((r) => r.refreshLeaseOwner !== null || r.refreshLeaseUntil !== null).map((r) => r.id),
      [],
      "no lease left held",
    );
    const refreshed = rows.filter((r) => r.lastRefreshedAt !== null && r.lastRefreshedAt >= startedAt);
    assert.ok(refreshed.length < ids.length, `the burst was cut: ${refreshed.length} of ${ids.length} refreshed`);
    assert.ok(refreshed.length >= beforeSignal.length);
    for (const row of rows) {
      assert.equal(row.state, "connected");
      assert.equal(row.failureCount, 0, "no refresh failed or was dropped");
    }
    for (const earlier of beforeSignal) {
      const now = rows.find((r) => r.id === earlier.id)!;
      assert.equal(now.refreshToken, earlier.refreshToken, "a connection refreshed before the signal kept its new token");
      assert.equal(now.accessToken, earlier.accessToken);
    }
    // Every stored refresh token still works at the sandbox: none was spent by a refresh whose answer was dropped.
    await Promise.all(
      rows.map(async (row) => {
        const fresh = await getIntegration(row.provider).refresh!(openToken(row.refreshToken!, row.id, "refresh_token"));
        assert.ok(fresh.accessToken, `${row.provider} refresh with the stored token`);
      }),
    );
    // Those tokens are now spent: keep the next test's refresher away from these connections.
    await env.db
      .update(accounts)
      .set({ expiresAt: Math.floor(Date.now() / 1000) + 86_400 })
      .where(inArray(accounts.id, ids));
  });

  it(
    "budget ran out: the leases of refreshes still in flight are released and the process exits within the budget",
    { timeout: 120_000 },
    async () => {
      const ids = await linkDue(12);
      await latency(6_000);
      const instance = startShutdownInstance({
        SHUTDOWN_TIMEOUT_MS: "1000",
        REFRESHER_INTERVAL_MS: "200",
        REFRESHER_CONCURRENCY: "4",
        OUTBOUND_TIMEOUT_MS: "20000",
      });
      await instance.ready;
      await until(
        async () =>
          (
            await env.db
              .select()
              .from(accounts)
              .where(and(inArray(accounts.id, ids), isNotNull(accounts.refreshLeaseOwner)))
          ).length >= 4,
        30_000,
        "refreshes in flight",
      );
      instance.signal("SIGTERM");
      const { code, output, afterSignalMs } = await instance.exited;
      assert.equal(code, 1, `exit code 1 (work was cut); output:\n${output}`);
      assert.ok(afterSignalMs <= 1_000 + 1_000, `exited ${afterSignalMs} ms after SIGTERM`);
      assert.match(output, /shutdown step failed/);
      assert.match(output, /took longer than 1000 ms/);
      assert.match(output, /4 lease\(s\) released/);
      const rows = await rowsOf(ids);
      assert.equal(rows.filter((r) => r.refreshLeaseOwner !== null).length, 0, "no lease left held");
      // Another instance takes every connection still due at once, without waiting for a lease to lapse.
      const taken = (await claimDue("refresh", "another-instance", 100, Date.now())).filter((r) => ids.includes(r.id));
      assert.equal(taken.length, ids.length, "every due connection can be claimed at once");
      await Promise.all(taken.map((r) => releaseLease(r.id, "another-instance")));
      await latency(0);
    },
  );

  it("without NEXT_MANUAL_SIG_HANDLE no handler is installed (next start would exit first anyway)", () => {
    assert.equal(process.env.NEXT_MANUAL_SIG_HANDLE, undefined);
    const before = process.listenerCount("SIGTERM");
    assert.equal(installShutdownHandlers(), false);
    assert.equal(process.listenerCount("SIGTERM"), before);
  });

  // Last: shutDown stops this process's refresher for good and closes the database (the next query reopens it).
  it("an on-demand refresh in flight (a request's) is awaited and stored before the database closes", { timeout: 60_000 }, async () => {
    const linked = await env.linkAthlete("trainerday");
    await env.expire(linked.connectionId);
    await latency(1_000);
    const startedAt = Date.now();
    const pending = getFreshAccessToken(linked.connectionId);
    await new Promise((r) => setTimeout(r, 200));
    const result = await shutDown("test", 5_000);
    const elapsed = Date.now() - startedAt;
    await latency(0);
    assert.equal(result.code, 0);
    assert.equal(result.drained, true);
    assert.ok(elapsed >= 1_000, `it waited for the refresh's answer (${elapsed} ms)`);
    const token = await pending;
    const row = await env.row(linked.connectionId);
    assert.equal(openToken(row.accessToken!, row.id, "access_token"), token, "the new token was stored");
    assert.equal(row.refreshLeaseOwner, null);
    assert.ok(row.lastRefreshedAt && row.lastRefreshedAt.getTime() >= startedAt);
  });
});
