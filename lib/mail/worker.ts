import "server-only";
import { env } from "@/lib/env";
import { componentLog, errorFields } from "@/lib/log";
import { onMailWake, pruneSentMail, sendDueMail } from "@/lib/mail/outbox";

/** A periodic task run by the worker before it sends mail (the alert, reconnect-request and digest checks). */
export type WorkerTask = { name: string; run: (nowMs: number) => Promise<unknown> };

/** When this process last pruned old mail (hourly), in milliseconds since the epoch. */
let prunedAt = 0;

const log = componentLog("mail worker");

const globalForWorker = globalThis as unknown as {
  mailWorker?: { timer: NodeJS.Timeout; tasks: WorkerTask[]; current: Promise<void> | null; draining: boolean };
};

/**
 * One tick of the background worker: each task in order (a failing task is logged by name, never with its data,
 * and the others still run), then every due mail sent (sendDueMail); once an hour, old sent mail pruned (pruneSentMail). `nowMs` is milliseconds since the epoch.
 */
export async function runWorkerOnce(tasks: readonly WorkerTask[], nowMs = Date.now()): Promise<void> {
  for (const task of tasks) {
    await task.run(nowMs).catch((error: unknown) => log.error({ task: task.name, ...errorFields(error) }, "worker task failed"));
  }
  const pass = await sendDueMail();
  if (nowMs - prunedAt >= 3_600_000) {
    prunedAt = nowMs;
    await pruneSentMail(nowMs).catch((error: unknown) => log.error(errorFields(error), "mail retention failed"));
  }
  if (pass.sent + pass.failed > 0)
    log.info({ sent: pass.sent, failed: pass.failed, ...(pass.leaseLost ? { leaseLost: pass.leaseLost } : {}) }, "mail pass");
}

/**
 * Starts the background worker once per server process (from lib/startup.ts): every MAIL_WORKER_INTERVAL_MS
 * (default 5 000 ms), and at once when a mail is enqueued in this process (wakeMailWorker), it runs `tasks`
 * and sends the outbox; never two ticks at once. Does nothing when REFRESHER_ENABLED is "false" (a read-only
 * instance does no background work).
 */
export function startWorker(tasks: WorkerTask[]): void {
  if (env.REFRESHER_ENABLED !== "true" || globalForWorker.mailWorker) return;
  let again = false;
  const tick = () => {
    const worker = globalForWorker.mailWorker;
    if (!worker || worker.draining) return;
    if (worker.current) {
      again = true;
      return;
    }
    worker.current = runWorkerOnce(tasks)
      .catch((error: unknown) => log.error(errorFields(error), "worker tick failed"))
      .finally(() => {
        worker.current = null;
        if (again) {
          again = false;
          setImmediate(tick);
        }
      });
  };
  const timer = setInterval(tick, env.MAIL_WORKER_INTERVAL_MS);
  timer.unref();
  globalForWorker.mailWorker = { timer, tasks, current: null, draining: false };
  onMailWake(() => setImmediate(tick));
}

/**
 * Graceful shutdown (lib/shutdown.ts, issue 17): the worker starts no new tick (timer and wake-ups ignored) and
 * resolves when its tick in progress ended (the mail of that tick sent or its failure recorded). Harmless when
 * the worker never started or was already stopped.
 */
export async function stopWorker(): Promise<void> {
  const worker = globalForWorker.mailWorker;
  if (!worker) return;
  worker.draining = true;
  clearInterval(worker.timer);
  await worker.current;
}
