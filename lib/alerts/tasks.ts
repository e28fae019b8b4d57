import "server-only";
import { runAlertChecks } from "@/lib/alerts/check";
import { runCoachDigests } from "@/lib/alerts/digest";
import type { WorkerTask } from "@/lib/mail/worker";
import { RECONNECT_REQUEST_TASK } from "@/lib/reconnect-requests/run-reconnect-request-checks";

/**
 * The alerting work of the background worker's tick, in order: athlete alerts, reconnect requests (reconnected,
 * verified, reminded, cancelled), then the coach digest when it is due.
 */
export const ALERT_TASKS: WorkerTask[] = [
  { name: "alert check", run: runAlertChecks },
  RECONNECT_REQUEST_TASK,
  { name: "coach digest", run: runCoachDigests },
];
