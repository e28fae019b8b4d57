import "server-only";
import { env } from "@/lib/env";
import { componentLog, errorFields } from "@/lib/log";
import { disableFailingEndpoints } from "@/lib/webhooks/disable";
import { deliverDueWebhooks, notifyEnqueued, type DeliverOptions } from "@/lib/webhooks/deliver";
import { onWebhookWake } from "@/lib/webhooks/enqueue";
import { pruneWebhookOutbox } from "@/lib/webhooks/outbox";

/** How often the webhook worker looks for due deliveries without being woken, in milliseconds. */
export const WEBHOOK_WORKER_INTERVAL_MS = 1_000;

/** When this process last pruned old deliveries (hourly), in milliseconds since the epoch. */
let prunedAt = 0;

const log = componentLog("webhooks");

const globalForWorker = globalThis as unknown as {
  webhookWorker?: { timer: NodeJS.Timeout; current: Promise<void> | null; draining: boolean };
};

/**
 * One tick of the webhook worker at `nowMs` (milliseconds since the epoch): every due delivery sent
 * (deliverDueWebhooks), endpoints failing for WEBHOOK_DISABLE_AFTER_DAYS disabled (disableFailingEndpoints), and
 * once an hour deliveries older than 30 days pruned. Failures are logged by name, never with data.
 */
export async function runWebhookWorkerOnce(nowMs = Date.now(), options: DeliverOptions = {}): Promise<void> {
  const pass = await deliverDueWebhooks(options);
  const disabled = await disableFailingEndpoints(nowMs).catch((error: unknown) => {
    log.error(errorFields(error), "disabling failing endpoints failed");
    return [];
  });
  if (nowMs - prunedAt >= 3_600_000) {
    prunedAt = nowMs;
    await pruneWebhookOutbox(nowMs).catch((error: unknown) => log.error(errorFields(error), "webhook retention failed"));
  }
  if (pass.delivered + pass.retrying + pass.failed > 0 || disabled.length > 0)
    log.info(
      {
        delivered: pass.delivered,
        retrying: pass.retrying,
        failed: pass.failed,
        ...(pass.leaseLost ? { leaseLost: pass.leaseLost } : {}),
        ...(disabled.length ? { endpointsDisabled: disabled.length } : {}),
      },
      "webhook pass",
    );
}

/**
 * Starts the webhook worker once per server process (from lib/startup.ts), apart from the mail worker so a slow
 * endpoint never delays mail or alerts: every WEBHOOK_WORKER_INTERVAL_MS, and soon after a delivery is enqueued
 * in this process (wakeWebhookWorker: a pass in progress claims the new rows at once; otherwise a tick starts
 * 20 ms later, after the enqueuing transaction has committed). Never two ticks at once. Does nothing when
 * REFRESHER_ENABLED is "false" (a read-only instance does no background work).
 */
export function startWebhookWorker(): void {
  if (env.REFRESHER_ENABLED !== "true" || globalForWorker.webhookWorker) return;
  let again = false;
  const tick = () => {
    const worker = globalForWorker.webhookWorker;
    if (!worker || worker.draining) return;
    if (worker.current) {
      again = true;
      return;
    }
    worker.current = runWebhookWorkerOnce()
      .catch((error: unknown) => log.error(errorFields(error), "webhook worker tick failed"))
      .finally(() => {
        worker.current = null;
        if (again) {
          again = false;
          setTimeout(tick, 20);
        }
      });
  };
  const timer = setInterval(tick, WEBHOOK_WORKER_INTERVAL_MS);
  timer.unref();
  globalForWorker.webhookWorker = { timer, current: null, draining: false };
  onWebhookWake(() => {
    notifyEnqueued();
    setTimeout(tick, 20).unref();
  });
}

/**
 * Graceful shutdown (lib/shutdown.ts, issue 17): the webhook worker starts no new tick and resolves when its tick
 * in progress ended (the deliveries it had in flight recorded). Harmless when it never started or was stopped.
 */
export async function stopWebhookWorker(): Promise<void> {
  const worker = globalForWorker.webhookWorker;
  if (!worker) return;
  worker.draining = true;
  clearInterval(worker.timer);
  await worker.current;
}
