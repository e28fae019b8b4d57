import "server-only";
import { and, eq, isNotNull, isNull, lte, notInArray, or } from "drizzle-orm";
import { db } from "@/db";
import { accounts } from "@/db/schema";
import { env } from "@/lib/env";
import { retryRevocation } from "@/lib/connections/disconnect";
import { getFreshAccessToken } from "@/lib/connections/refresh";
import { pruneRefreshEvents, pruneWebhookDeliveries } from "@/lib/connections/retention";
import { pausedServices } from "@/lib/connections/service-health";

/** What one pass of the refresher did. */
export interface RefresherPass {
  refreshed: number;
  failed: number;
  revoked: number;
  /** True when the pass took as many connections as its limit allows: more may be due, run another at once. */
  full: boolean;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}

/**
 * One pass of the background refresher: refreshes every connection whose access token expires within
 * REFRESH_MARGIN_SECONDS and whose backoff has passed (skipping services paused because they refuse
 * TrainLink's own credentials), and retries pending revocations, with at most
 * REFRESHER_CONCURRENCY (default 4) at once. Each refresh goes through getFreshAccessToken, so it shares the
 * single flight with on-demand callers and other processes. `nowMs` is milliseconds since the epoch.
 */
export async function runRefresherOnce(nowMs = Date.now(), limit = 500): Promise<RefresherPass> {
  const now = new Date(nowMs);
  const dueBy = Math.floor(nowMs / 1000) + env.REFRESH_MARGIN_SECONDS;
  const backoffPassed = or(isNull(accounts.nextAttemptAt), lte(accounts.nextAttemptAt, now));
  // Services whose token endpoint refuses TrainLink's own credentials wait out their pause (service-health.ts).
  const paused = await pausedServices(now);
  const due = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(
      and(
        eq(accounts.state, "connected"),
        isNotNull(accounts.refreshToken),
        lte(accounts.expiresAt, dueBy),
        backoffPassed,
        paused.length > 0 ? notInArray(accounts.provider, paused) : undefined,
      ),
    )
    .limit(limit);
  const revocations = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.state, "revocation_pending"), backoffPassed))
    .limit(limit);

  const pass: RefresherPass = { refreshed: 0, failed: 0, revoked: 0, full: due.length === limit || revocations.length === limit };
  await pool(due, env.REFRESHER_CONCURRENCY, async ({ id }) => {
    try {
      await getFreshAccessToken(id);
      pass.refreshed += 1;
    } catch {
      pass.failed += 1; // recorded on the row and in connection_events by getFreshAccessToken
    }
  });
  await pool(revocations, env.REFRESHER_CONCURRENCY, async ({ id }) => {
    if ((await retryRevocation(id).catch(() => "pending")) === "revoked") pass.revoked += 1;
  });
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
    if (!pass.full || pass.refreshed + pass.revoked === 0 || total.passes >= maxPasses) return total;
  }
}

const globalForRefresher = globalThis as unknown as { refresherTimer?: NodeJS.Timeout };

/** How often the refresher also prunes old routine refresh events (pruneRefreshEvents), in milliseconds. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Starts the background refresher once per server process (from instrumentation.ts): every
 * REFRESHER_INTERVAL_MS (default 30 000 ms) it runs passes until the backlog is drained
 * (runRefresherUntilDrained), never two at once, and once an hour prunes routine refresh events past their
 * retention (pruneRefreshEvents). Does nothing when REFRESHER_ENABLED is "false". Errors of a pass are logged
 * (never a token) and the next pass runs as usual.
 */
export function startRefresher(): void {
  if (env.REFRESHER_ENABLED !== "true" || globalForRefresher.refresherTimer) return;
  let running = false;
  let prunedAt = 0;
  globalForRefresher.refresherTimer = setInterval(() => {
    if (running) return;
    running = true;
    runRefresherUntilDrained()
      .then(async (pass) => {
        if (pass.refreshed + pass.failed + pass.revoked > 0) {
          console.info(`[refresher] refreshed ${pass.refreshed}, failed ${pass.failed}, revocations completed ${pass.revoked}`);
        }
        if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
          prunedAt = Date.now();
          const pruned = await pruneRefreshEvents();
          if (pruned > 0) console.info(`[refresher] pruned ${pruned} refresh events older than ${env.REFRESH_EVENTS_RETENTION_DAYS} days`);
          const deliveries = await pruneWebhookDeliveries();
          if (deliveries > 0)
            console.info(`[refresher] pruned ${deliveries} webhook deliveries older than ${env.WEBHOOK_DELIVERIES_RETENTION_DAYS} days`);
        }
      })
      .catch((error: unknown) => console.error(`[refresher] pass failed: ${error instanceof Error ? error.name : "error"}`))
      .finally(() => {
        running = false;
      });
  }, env.REFRESHER_INTERVAL_MS);
  globalForRefresher.refresherTimer.unref();
}
