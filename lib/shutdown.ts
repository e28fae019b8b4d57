import "server-only";
import { closeDb } from "@/db";
import { env } from "@/lib/env";
import { releaseRefresherLeases, stopRefresher } from "@/lib/connections/refresher";
import { inflightLeases, settleInflightRefreshes } from "@/lib/connections/refresh";
import { releaseLease } from "@/lib/connections/transitions";
import { stopWorker } from "@/lib/mail/worker";
import { stopWebhookWorker } from "@/lib/webhooks/worker";
import { componentLog } from "@/lib/log";

/** What a graceful shutdown did: its exit code, whether the work in flight finished in time, leases released, time in ms. */
export interface ShutdownResult {
  code: 0 | 1;
  drained: boolean;
  released: number;
  ms: number;
}

/** How long each step after the drain (release the leases, close the database, flush logs) may take, in ms. */
const STEP_MS = 300;

/** Resolves to `work`'s value, or to `timedOut` once `ms` milliseconds passed (the work is not cancelled). */
async function within<T>(work: Promise<T>, ms: number, timedOut: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(timedOut), Math.max(0, ms))));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Log lines still buffered are written out before the process exits (lib/log.ts writes synchronously: a formality). */
async function flushLogs(): Promise<void> {
  const log = componentLog("shutdown");
  await new Promise<void>((done) => log.flush(() => done()));
}

/**
 * Graceful shutdown of this server process (issue 17, "Graceful shutdown"), without exiting:
 * 1. the refresher, the mail worker and the webhook worker stop taking work (no new pass or tick, no new claim;
 *    connections claimed but not started are released at once);
 * 2. the work in flight finishes: the refresher's pass, the workers' ticks and every refresh of this process,
 *    on-demand ones from requests included (a refresh whose answer arrived is stored, so a rotated token is
 *    never dropped; a refresh not sent yet is not sent), for at most `timeoutMs` (default SHUTDOWN_TIMEOUT_MS,
 *    10 000 ms) after the call;
 * 3. the refresh leases this process still holds are released (only when the budget ran out), so another
 *    instance takes those connections at once; 4. the database is closed; 5. logs are flushed.
 * Steps 3-5 take at most 300 ms each, so it resolves within `timeoutMs` + 0.9 s. Never rejects: `code` is 1
 * when a step failed or the budget ran out before the work in flight finished, else 0.
 */
export async function shutDown(reason: string, timeoutMs = env.SHUTDOWN_TIMEOUT_MS): Promise<ShutdownResult> {
  const startedAt = Date.now();
  const log = componentLog("shutdown");
  log.info({ reason, timeoutMs }, `${reason}: no new work; finishing the work in flight`);
  let code: 0 | 1 = 0;
  /** Runs one step within `ms`; a failure or a timeout is logged by the step's name (never with data) and sets code 1. */
  const step = async <T>(name: string, work: () => Promise<T>, ms = STEP_MS): Promise<T | undefined> => {
    const outcome = await within(
      work().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      ms,
      { error: `took longer than ${ms} ms` },
    );
    if ("value" in outcome) return outcome.value;
    code = 1;
    const why = typeof outcome.error === "string" ? outcome.error : outcome.error instanceof Error ? outcome.error.name : "error";
    log.error({ step: name, error: why }, "shutdown step failed");
    return undefined;
  };
  const drained =
    (await step(
      "finishing the work in flight",
      async () => {
        await Promise.all([stopRefresher(), stopWorker(), stopWebhookWorker(), settleInflightRefreshes()]);
        await settleInflightRefreshes();
        return true;
      },
      timeoutMs,
    )) === true;
  let released = 0;
  if (!drained) {
    released =
      (await step("releasing leases", async () => {
        const leases = inflightLeases();
        const [refresher] = await Promise.all([releaseRefresherLeases(), ...leases.map(({ id, owner }) => releaseLease(id, owner))]);
        return refresher + leases.length;
      })) ?? 0;
  }
  const closed = (await step("closing the database", async () => (await closeDb(), true))) === true;
  const ms = Date.now() - startedAt;
  log.info(
    { drained, released, databaseClosed: closed, exitCode: code, ms },
    drained ? "work in flight finished; exiting" : `${released} lease(s) released; exiting`,
  );
  await step("flushing logs", flushLogs);
  return { code, drained, released, ms };
}

const globalForShutdown = globalThis as unknown as { shutdownInstalled?: boolean; shuttingDown?: boolean };

/**
 * Installs this process's SIGTERM and SIGINT handlers (once; from lib/startup.ts in the running server): the
 * first signal runs shutDown and exits with its code; a second signal exits at once with 1; a backstop exits
 * with 1 if shutDown has not ended SHUTDOWN_TIMEOUT_MS + 1 000 ms after the signal. `next start` exits at once on
 * those signals unless NEXT_MANUAL_SIG_HANDLE is set (`npm start` and scripts/next-start.ts set it): without it
 * nothing is installed and a warning says graceful shutdown is off (in production). Returns whether installed.
 */
export function installShutdownHandlers(): boolean {
  if (globalForShutdown.shutdownInstalled) return true;
  // Next.js's own switch, read by next start itself; not TrainLink configuration, so not in lib/env.ts.
  if (!process.env.NEXT_MANUAL_SIG_HANDLE) {
    if (env.NODE_ENV === "production")
      componentLog("shutdown").warn("graceful shutdown is off: start the server with NEXT_MANUAL_SIG_HANDLE=true (npm start does)");
    return false;
  }
  globalForShutdown.shutdownInstalled = true;
  const onSignal = (signal: NodeJS.Signals) => {
    if (globalForShutdown.shuttingDown) {
      componentLog("shutdown").error({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    globalForShutdown.shuttingDown = true;
    const timeoutMs = env.SHUTDOWN_TIMEOUT_MS;
    setTimeout(() => {
      componentLog("shutdown").error("still running after its budget: exiting now");
      process.exit(1);
    }, timeoutMs + 1_000);
    void shutDown(`${signal} received`, timeoutMs).then(({ code }) => process.exit(code));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return true;
}
