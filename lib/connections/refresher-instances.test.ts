import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { eq, inArray } from "drizzle-orm";
import { accounts, users } from "@/db/schema";
import { openToken } from "@/lib/connections/sealing";
import { claimDue, leaseMs } from "@/lib/connections/transitions";
import { storeLinkedConnection } from "@/lib/linking/store";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";
import { startRefresherInstance } from "@/scripts/refresher-instances";

// Issue 14, "many instances, one database": the background refresher of several app instances (processes) on one
// database shares the due connections without refreshing any twice and without losing a token. Runs on the engine
// of the run: SQLite (npm test) or PostgreSQL (npm run test:pg), against the real sandbox over HTTP.

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;
/** How many connections fall due at once in the two-instance test (the issue asks for 10,000). */
const DUE = Number(process.env.INSTANCES_TEST_CONNECTIONS ?? 10_000);

before(async () => {
  env = await startLifecycleEnv();
  // Two instances with 100 refreshes in flight each share this machine with the sandbox: allow for queueing.
  process.env.OUTBOUND_TIMEOUT_MS = "10000";
});
after(() => env.sandbox.close());

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** `count` athletes, each with a TrainerDay or enduco connection linked through the sandbox's real flows. */
async function linkMany(count: number) {
  const set: { id: string; service: "trainerday" | "enduco"; account: string }[] = [];
  const athletes = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    service: i % 2 === 0 ? ("trainerday" as const) : ("enduco" as const),
  }));
  for (let i = 0; i < athletes.length; i += 1_000) {
    await env.db
      .insert(users)
      .values(
        athletes.slice(i, i + 1_000).map((a) => ({ id: a.id, email: `${a.id}@test.example`, name: "Instance test", role: "athlete" as const })),
      );
  }
  await pool(athletes, 16, async ({ id: athleteId, service }) => {
    const account = `${service}-${athleteId.slice(0, 13)}`;
    const { integration, exchange } = await env.issueTokens(service, account);
    await storeLinkedConnection({ athleteId, actorId: athleteId, integration, tokens: exchange.tokens, accountId: exchange.accountId });
  });
  for (let i = 0; i < athletes.length; i += 1_000) {
    const rows = await env.db
      .select({ id: accounts.id, userId: accounts.userId, service: accounts.provider })
      .from(accounts)
      .where(
        inArray(
          accounts.userId,
          athletes.slice(i, i + 1_000).map((a) => a.id),
        ),
      );
    for (const row of rows)
      set.push({ id: row.id, service: row.service as "trainerday" | "enduco", account: `${row.service}-${row.userId.slice(0, 13)}` });
  }
  return set;
}

describe("several instances on one database", () => {
  it("concurrent claims take disjoint sets of due connections, and never one whose lease another holds", async () => {
    const set = await linkMany(60);
    const ids = set.map((s) => s.id);
    await env.db
      .update(accounts)
      .set({ expiresAt: Math.floor(Date.now() / 1000) - 10 })
      .where(inArray(accounts.id, ids));
    // One connection is being refreshed by someone else right now.
    await env.db
      .update(accounts)
      .set({ refreshLeaseOwner: "someone-else", refreshLeaseUntil: new Date(Date.now() + leaseMs()) })
      .where(eq(accounts.id, ids[0]!));
    const claims = await Promise.all(["a", "b", "c", "d"].map((owner) => claimDue("refresh", owner, 25, Date.now())));
    const claimed = claims
      .flat()
      .map((row) => row.id)
      .filter((id) => ids.includes(id));
    assert.equal(new Set(claimed).size, claimed.length, "no connection claimed twice");
    assert.equal(claimed.length, 59, "every free due connection claimed once");
    assert.ok(!claimed.includes(ids[0]!), "the leased connection is left alone");
    for (const [i, rows] of claims.entries()) for (const row of rows) assert.equal(row.refreshLeaseOwner, ["a", "b", "c", "d"][i]);
    // Leave them as they were: free and no longer due.
    await env.db
      .update(accounts)
      .set({ refreshLeaseOwner: null, refreshLeaseUntil: null, expiresAt: Math.floor(Date.now() / 1000) + 3600 })
      .where(inArray(accounts.id, ids));
  });

  it(
    `two instances drain ${DUE} connections due at once: 0 duplicate refreshes, 0 lost tokens, both did part of the work`,
    { timeout: 600_000 },
    async () => {
      const set = await linkMany(DUE);
      const ids = set.map((s) => s.id);
      for (let i = 0; i < ids.length; i += 1_000) {
        await env.db
          .update(accounts)
          .set({ expiresAt: Math.floor(Date.now() / 1000) - 10 })
          .where(inArray(accounts.id, ids.slice(i, i + 1_000)));
      }
      const go = join(tmpdir(), `go-${randomUUID()}`);
      const instances = [startRefresherInstance(go), startRefresherInstance(go)];
      await Promise.all(instances.map((i) => i.ready));
      const started = Date.now();
      writeFileSync(go, "");
      const results = await Promise.all(instances.map((i) => i.done));
      const ms = Date.now() - started;

      // Duplicates: the sandbox's refresh requests per account (each connection has its own sandbox account).
      const requests = (await (await fetch(`${env.sandbox.url}/__sandbox/counts?endpoint=token&grantType=refresh_token`)).json()) as {
        service: string;
        account: string | null;
        count: number;
      }[];
      const perAccount = new Map(requests.map((r) => [`${r.service} ${r.account}`, r.count]));
      const duplicates = set.reduce((sum, s) => sum + Math.max(0, (perAccount.get(`${s.service} ${s.account}`) ?? 0) - 1), 0);
      const missed = set.filter((s) => !perAccount.has(`${s.service} ${s.account}`)).length;

      // Losses: each connection holds the newest access and refresh token the sandbox issued for its account.
      const latest = new Map<string, { access?: string; refresh?: string }>();
      for (const service of ["trainerday", "enduco"]) {
        const tokens = (await (await fetch(`${env.sandbox.url}/__sandbox/tokens?service=${service}`)).json()) as {
          kind: string;
          value: string;
          account?: string;
          active: boolean;
        }[];
        for (const t of tokens) {
          if (!t.active || !t.account || (t.kind !== "access" && t.kind !== "refresh")) continue;
          const entry = latest.get(`${service} ${t.account}`) ?? {};
          entry[t.kind] = t.value;
          latest.set(`${service} ${t.account}`, entry);
        }
      }
      const rows = new Map<string, typeof accounts.$inferSelect>();
      for (let i = 0; i < ids.length; i += 1_000) {
        for (const row of await env.db
          .select()
          .from(accounts)
          .where(inArray(accounts.id, ids.slice(i, i + 1_000))))
          rows.set(row.id, row);
      }
      let lost = 0;
      for (const s of set) {
        const row = rows.get(s.id);
        const issued = latest.get(`${s.service} ${s.account}`);
        const ok =
          row?.state === "connected" &&
          row.accessToken !== null &&
          row.refreshToken !== null &&
          openToken(row.accessToken, s.id, "access_token") === issued?.access &&
          openToken(row.refreshToken, s.id, "refresh_token") === issued?.refresh;
        if (!ok) lost += 1;
      }
      console.log(
        `two instances (${env.db.engine}): ${DUE} due, ${ms} ms (${Math.round((DUE / ms) * 1000)}/s); instance A refreshed ${results[0]!.refreshed}, B ${results[1]!.refreshed}; duplicates ${duplicates}, missed ${missed}, lost ${lost}`,
      );
      assert.equal(duplicates, 0, "no connection refreshed twice");
      assert.equal(missed, 0, "every connection refreshed");
      assert.equal(lost, 0, "no token lost");
      assert.equal(results[0]!.refreshed + results[1]!.refreshed, DUE);
      assert.equal(results[0]!.failed + results[1]!.failed, 0);
      assert.ok(results[0]!.refreshed > 0 && results[1]!.refreshed > 0, "both instances did part of the work");
    },
  );
});
