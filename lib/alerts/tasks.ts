import "server-only";
import { runAlertChecks } from "@/lib/alerts/check";
import { runCoachDigests } from "@/lib/alerts/digest";
import { env } from "@/lib/env";
import type { WorkerTask } from "@/lib/mail/worker";
import { RECONNECT_REQUEST_TASK } from "@/lib/reconnect-requests/run-reconnect-request-checks";

/**
 * The alerting work of the background worker's tick, in order: athlete alerts, reconnect requests (reconnected,
 * verified, reminded, cancelled), then the coach digest when it is due.
 */
export const ALERT_TASKS: WorkerTask[] = [
  { name: "alert check", run: everyAlertCheckInterval(runAlertChecks) },
  RECONNECT_REQUEST_TASK,
  { name: "coach digest", run: runCoachDigests },
];

/**
 * `check`, run at most once per ALERT_CHECK_INTERVAL_MS (default 60,000 ms) in this process: the worker ticks every
 * MAIL_WORKER_INTERVAL_MS to send mail promptly, but the alert check reads every open alert each time.
 */
function everyAlertCheckInterval(check: (nowMs: number) => Promise<unknown>): (nowMs: number) => Promise<unknown> {
  let lastRun = Number.NEGATIVE_INFINITY;
  return async (nowMs) => {
    if (nowMs - lastRun < env.ALERT_CHECK_INTERVAL_MS && nowMs >= lastRun) return;
    lastRun = nowMs;
    await check(nowMs);
  };
}
