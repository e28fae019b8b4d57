/**
 * Periodic verification (lib/connections/verify.ts) against the real sandbox: FitRankings connections are proved
 * with an authenticated users/me request every VERIFY_INTERVAL_SECONDS (default 6 hours), and a user token the
 * service no longer accepts ends the connection as revoked by the service.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq, sql } from "drizzle-orm";
import { accounts } from "@/db/schema";
import { connectionStatus } from "@/lib/connections/status";
import { claimLease, releaseLease } from "@/lib/connections/transitions";
import { dueForVerification, runVerificationOnce } from "@/lib/connections/verify";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;

before(async () => {
  env = await startLifecycleEnv();
});
after(() => env.sandbox.close());

/** VERIFY_INTERVAL_SECONDS' default, in milliseconds. */
const INTERVAL_MS = 21_600 * 1000;

/** The sandbox's users/me requests made with sandbox user `account`'s token: their HTTP statuses, in order. */
const verifications = async (account: string) =>
  (await env.requests("fitrankings", "verify")).filter((r) => r.account === account).map((r) => r.status);

/** Sandbox users/me requests that carried no known token (the sandbox cannot tell whose they were). */
const refusedCount = async () => (await env.requests("fitrankings", "verify")).filter((r) => r.status === 401).length;

const sandboxControl = (path: string, body: unknown) =>
  fetch(`${env.sandbox.url}/__sandbox/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("runVerificationOnce", () => {
  it("verifies a FitRankings connection once its last verification is VERIFY_INTERVAL_SECONDS old, not before, and never asks other services", async () => {
    const fr = await env.linkFitRankings();
    const linkedRow = await env.row(fr.connectionId);
    assert.ok(linkedRow.lastVerifiedAt, "linking verified it");
    const td = await env.linkAthlete("trainerday");
    await env.db.update(accounts).set({ lastVerifiedAt: null }).where(eq(accounts.id, td.connectionId));
    const before = await verifications(fr.username);

    // Verified at link time: not due within the interval.
    assert.deepEqual(await runVerificationOnce(linkedRow.lastVerifiedAt.getTime() + INTERVAL_MS - 1_000), { verified: 0, revoked: 0, failed: 0 });
    assert.deepEqual(await verifications(fr.username), before, "FitRankings was not asked");

    const start = Date.now();
    assert.deepEqual(await runVerificationOnce(linkedRow.lastVerifiedAt.getTime() + INTERVAL_MS), { verified: 1, revoked: 0, failed: 0 });
    assert.deepEqual(await verifications(fr.username), [...before, 200], "one authenticated request with the user's token");
    const row = await env.row(fr.connectionId);
    assert.ok(row.lastVerifiedAt && row.lastVerifiedAt.getTime() >= start, "lastVerifiedAt is now");
    assert.equal(row.state, "connected");
    assert.equal(row.refreshLeaseOwner, null, "lease freed");
    assert.deepEqual(
      (await env.events(fr.userId)).map((e) => e.kind),
      ["linked"],
      "no event for a routine verification",
    );

    // Verified just now: the next pass leaves it alone.
    assert.equal((await runVerificationOnce(Date.now() + 60_000)).verified, 0);
    assert.deepEqual(await verifications(fr.username), [...before, 200]);
    // TrainerDay proves itself by refreshing: never verified by request, even with no last verification at all.
    assert.equal((await env.row(td.connectionId)).lastVerifiedAt, null);
  });

  it("after the sandbox revokes the user token: revoked_by_service, tokens wiped, with an event saying why", async () => {
    const fr = await env.linkFitRankings();
    const revoked = await sandboxControl("fitrankings/revoke-user-token", { account: fr.username });
    assert.deepEqual(await revoked.json(), { revoked: 1 });
    const refusedBefore = await refusedCount();

    const pass = await runVerificationOnce(Date.now() + INTERVAL_MS);
    assert.ok(pass.revoked >= 1);
    assert.equal(await refusedCount(), refusedBefore + 1, "FitRankings answered 401 once");
    const row = await env.row(fr.connectionId);
    assert.equal(row.state, "revoked_by_service");
    assert.equal(row.accessToken, null);
    assert.equal(row.refreshLeaseOwner, null);
    assert.equal(connectionStatus(row, true), "revoked_by_service");
    const events = await env.events(fr.userId);
    assert.deepEqual(
      events.map((e) => [e.kind, e.detail]),
      [
        ["linked", events[0]!.detail],
        ["deregistered_by_service", "FitRankings rejected the user token at verification (HTTP 401)"],
      ],
    );

    // Nothing left to verify: the next pass does not ask again.
    await runVerificationOnce(Date.now() + 2 * INTERVAL_MS);
    assert.equal(await refusedCount(), refusedBefore + 1);
  });

  it("a service that does not answer in time leaves the connection as it was, lease freed, for the next pass", async () => {
    const fr = await env.linkFitRankings();
    const linked = await env.row(fr.connectionId);
    // OUTBOUND_TIMEOUT_MS is 1500 in the lifecycle env: 2 s of latency makes every request time out.
    await sandboxControl("latency", { ms: 2_000 });
    let pass;
    try {
      pass = await runVerificationOnce(Date.now() + INTERVAL_MS);
    } finally {
      await sandboxControl("latency", { ms: 0 });
    }
    assert.ok(pass.failed >= 1);
    assert.equal(pass.revoked, 0);
    const row = await env.row(fr.connectionId);
    assert.equal(row.state, "connected");
    assert.deepEqual(row.lastVerifiedAt, linked.lastVerifiedAt, "not verified");
    assert.equal(row.refreshLeaseOwner, null, "lease released");
    assert.equal(row.accessToken, linked.accessToken, "token kept");

    assert.ok((await runVerificationOnce(Date.now() + INTERVAL_MS)).verified >= 1, "the next pass verifies it");
    assert.ok((await env.row(fr.connectionId)).lastVerifiedAt! > linked.lastVerifiedAt!);
  });

  it("skips a connection whose lease another caller holds (a refresh, a Disconnect, another instance)", async () => {
    const fr = await env.linkFitRankings();
    const linked = await env.row(fr.connectionId);
    const before = await verifications(fr.username);
    assert.equal(await claimLease(fr.connectionId, "another-instance", "connected"), true);
    await runVerificationOnce(Date.now() + INTERVAL_MS);
    assert.deepEqual(await verifications(fr.username), before, "not asked");
    const row = await env.row(fr.connectionId);
    assert.deepEqual(row.lastVerifiedAt, linked.lastVerifiedAt);
    assert.equal(row.refreshLeaseOwner, "another-instance", "the other holder keeps its lease");
    await releaseLease(fr.connectionId, "another-instance");
  });

  it("finds due connections through the partial index on (provider, …) of live rows, not every connected row", async () => {
    const query = dueForVerification(["fitrankings"], new Date(), 200).toSQL();
    const literal = (i: number) => (typeof query.params[i] === "string" ? `'${String(query.params[i])}'` : String(query.params[i] ?? "NULL"));
    if (env.db.engine === "sqlite") {
      let i = 0;
      const plan = await env.db.execute(sql.raw(`EXPLAIN QUERY PLAN ${query.sql.replace(/\?/g, () => literal(i++))}`));
      assert.match(JSON.stringify(plan.rows), /accounts_provider_account_live_uq/);
    } else {
      // A tiny table is cheaper to scan: forbid that, so the plan shows whether the index can be used at all.
      const plan = await env.db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL enable_seqscan = off`);
        return tx.execute(sql.raw(`EXPLAIN ${query.sql.replace(/\$(\d+)/g, (_, n: string) => literal(Number(n) - 1))}`));
      });
      assert.match(JSON.stringify(plan.rows), /accounts_provider_account_live_uq/);
    }
  });
});
