import "server-only";
import { randomUUID } from "node:crypto";
import type { Account } from "@/db/schema";
import { env } from "@/lib/env";
import { retryClaimedRevocation } from "@/lib/connections/disconnect";
import { refreshClaimed } from "@/lib/connections/refresh";
import { claimDue, releaseLease } from "@/lib/connections/transitions";
import { pausedServices } from "@/lib/connections/service-health";
import { runVerificationOnce } from "@/lib/connections/verify";
import { runHousekeeping } from "@/lib/housekeeping";
import { componentLog, errorFields } from "@/lib/log";

/**
 * This process's refresher: `draining` once stopRefresher was called (no new pass, no new claim), `held` the
 * connections whose lease a pass of this process claimed and has not finished (id → lease owner), `current` the
 * pass (refresh, housekeeping and verification) in progress.
 */
const refresherState = {
  draining: false,
  held: new Map<string, string>(),
  current: null as Promise<void> | null,
};

/** What one pass of the refresher did. */
export interface RefresherPass {
  refreshed: number;
  failed: number;
  revoked: number;
  /** True when the pass took as many connections as its limit allows: more may be due, run another at once. */
  full: boolean;
}

/**
 * Works through what `claim` hands out with `concurrency` workers: each takes the next claimed row, and when none
 * is left one of them claims the next batch (at most `concurrency` rows, so a claimed row waits at most one
 * piece of work before it starts and its lease never runs out unused), until `limit` rows were taken or a
 * claim comes back short. Each claimed row is recorded as held by `owner` until its work ended. Once
 * stopRefresher was called it claims nothing more and releases the rows claimed but not started; rows in
 * progress finish. Resolves to the number of rows taken.
 */
async function workThrough(
  claim: (count: number) => Promise<Account[]>,
  owner: string,
  limit: number,
  concurrency: number,
  work: (row: Account) => Promise<void>,
): Promise<number> {
  const queue: Account[] = [];
  let taken = 0;
  let exhausted = false;
  let claiming: Promise<void> | null = null;
  const next = async (): Promise<Account | undefined> => {
    while (queue.length === 0 && !exhausted && !refresherState.draining) {
      claiming ??= (async () => {
        const want = Math.min(concurrency, limit - taken);
        const rows = want > 0 ? await claim(want) : [];
        taken += rows.length;
        for (const row of rows) refresherState.held.set(row.id, owner);
        queue.push(...rows);
        if (rows.length < want || taken >= limit) exhausted = true;
      })().finally(() => {
        claiming = null;
      });
      await claiming;
    }
    // Draining (shutdown): claimed rows not started yet are handed back at once, so another instance takes them.
    while (refresherState.draining && queue.length > 0) await releaseHeld(queue.shift()!.id);
    return queue.shift();
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let row = await next(); row; row = await next()) {
        try {
          await work(row);
        } finally {
          refresherState.held.delete(row.id);
        }
      }
    }),
  );
  return taken;
}

/** Frees the lease of connection `id` if this process's refresher still holds it, and forgets it. */
async function releaseHeld(id: string): Promise<void> {
  const owner = refresherState.held.get(id);
  refresherState.held.delete(id);
  if (owner) await releaseLease(id, owner);
}

/**
 * One pass of the background refresher: claims (claimDue: one atomic statement, FOR UPDATE SKIP LOCKED on
 * PostgreSQL, so several instances share the work without taking the same connection) and refreshes every
 * connection whose access token expires within REFRESH_MARGIN_SECONDS and whose backoff has passed, skipping
 * services paused because they refuse TrainLink's own credentials; then retries due revocations. At most
 * `limit` (default 500) of each per pass, REFRESHER_CONCURRENCY (default 100) in flight at once: with services
 * answering in 250 ms that is up to 400 refreshes a second per instance. Each refresh shares the single flight
 * with on-demand callers (refreshClaimed). `nowMs` is milliseconds since the epoch.
 */
export async function runRefresherOnce(nowMs = Date.now(), limit = 500): Promise<RefresherPass> {
  const owner = `refresher:${randomUUID()}`;
  const paused = await pausedServices(new Date(nowMs));
  const pass: RefresherPass = { refreshed: 0, failed: 0, revoked: 0, full: false };
  const concurrency = env.REFRESHER_CONCURRENCY;
  const refreshes = await workThrough(
    (count) => claimDue("refresh", owner, count, nowMs, paused),
    owner,
    limit,
    concurrency,
    async (row) => {
      try {
        await refreshClaimed(row, owner);
        pass.refreshed += 1;
      } catch {
        pass.failed += 1; // recorded on the row and in connection_events by the refresh
      }
    },
  );
  const revocations = await workThrough(
    (count) => claimDue("revocation", owner, count, nowMs),
    owner,
    limit,
    concurrency,
    async (row) => {
      if ((await retryClaimedRevocation(row, owner).catch(() => "pending")) === "revoked") pass.revoked += 1;
    },
  );
  pass.full = refreshes >= limit || revocations >= limit;
  return pass;
}

/**
 * Passes of the refresher back to back until one is not full (at most `maxPasses`), so a backlog (say 10,000
 * connections due at once after an outage) drains at the speed of REFRESHER_CONCURRENCY instead of 500
 * connections per REFRESHER_INTERVAL_MS (17 a second with the defaults). Returns the summed counts.
 */
export async function runRefresherUntilDrained(maxPasses = 1_000): Promise<RefresherPass & { passes: number }> {
  const total = { refreshed: 0, failed: 0, revoked: 0, full: false, passes: 0 };
  for (;;) {
    const pass = await runRefresherOnce();
    total.passes += 1;
    total.refreshed += pass.refreshed;
    total.failed += pass.failed;
    total.revoked += pass.revoked;
    total.full = pass.full;
    // A full pass where nothing changed (every due connection failed and stays due) would spin: stop.
    if (!pass.full || pass.refreshed + pass.revoked === 0 || total.passes >= maxPasses || refresherState.draining) return total;
  }
}

const globalForRefresher = globalThis as unknown as { refresherTimer?: NodeJS.Timeout };

const log = componentLog("refresher");

/** How often the refresher also prunes the tables that only grow (runHousekeeping), in milliseconds. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Starts the background refresher once per server process (from instrumentation.ts): every
 * REFRESHER_INTERVAL_MS (default 30 000 ms) it runs passes until the backlog is drained
 * (runRefresherUntilDrained), then one verification pass (runVerificationOnce: connections whose token never
 * expires, proved every VERIFY_INTERVAL_SECONDS), never two at once, and once an hour prunes the tables that only
 * grow (runHousekeeping: old routine refresh events, webhook calls, throttle rows, OAuth flows, revoked sessions,
 * expired invitations; one failing prune does not stop the others). Does nothing when REFRESHER_ENABLED is "false". Errors of a
 * pass are logged (never a token) and the next pass runs as usual; a failed refresh pass does not skip the
 * verification pass.
 */
export function startRefresher(): void {
  if (env.REFRESHER_ENABLED !== "true" || globalForRefresher.refresherTimer) return;
  let prunedAt = 0;
  globalForRefresher.refresherTimer = setInterval(() => {
    if (refresherState.current || refresherState.draining) return;
    refresherState.current = runRefresherUntilDrained()
      .then(async (pass) => {
        if (pass.refreshed + pass.failed + pass.revoked > 0) {
          log.info({ refreshed: pass.refreshed, failed: pass.failed, revoked: pass.revoked }, "refresher pass");
        }
      })
      .catch((error: unknown) => log.error(errorFields(error), "refresher pass failed"))
      .then(async () => {
        if (refresherState.draining || Date.now() - prunedAt < PRUNE_EVERY_MS) return;
        prunedAt = Date.now();
        const pruned = Object.entries(await runHousekeeping(prunedAt)).filter(([, count]) => count);
        if (pruned.length > 0) log.info({ component: "housekeeping", pruned: Object.fromEntries(pruned) }, "housekeeping pruned");
      })
      .then(async () => {
        if (refresherState.draining) return;
        const checked = await runVerificationOnce();
        if (checked.verified + checked.revoked + checked.failed > 0) {
          log.info({ verified: checked.verified, revokedByService: checked.revoked, failed: checked.failed }, "verification pass");
        }
      })
      .catch((error: unknown) => log.error(errorFields(error), "verification pass failed"))
      .finally(() => {
        refresherState.current = null;
      });
  }, env.REFRESHER_INTERVAL_MS);
  globalForRefresher.refresherTimer.unref();
}

/**
 * Graceful shutdown (lib/shutdown.ts, issue 17): the refresher starts no new pass and its pass in progress claims
 * nothing more (connections claimed but not started are released at once); resolves when that pass ended, its
 * refreshes in flight stored. Calling it again is harmless; the refresher does not start again in this process.
 */
export async function stopRefresher(): Promise<void> {
  refresherState.draining = true;
  clearInterval(globalForRefresher.refresherTimer);
  await refresherState.current;
}

/**
 * For the shutdown deadline: frees the lease of every connection a refresher pass of this process claimed and
 * has not finished, so another instance can take it at once instead of waiting for the lease to lapse. A refresh
 * whose answer arrives after this is not stored (its write needs the lease). Resolves to how many were released.
 */
export async function releaseRefresherLeases(): Promise<number> {
  const held = [...refresherState.held.keys()];
  await Promise.all(held.map((id) => releaseHeld(id)));
  return held.length;
}
