import "server-only";
import { runAlertChecks } from "@/lib/alerts/check";
import { runCoachDigests } from "@/lib/alerts/digest";
import type { WorkerTask } from "@/lib/mail/worker";

/** The alerting work of the background worker's tick, in order: athlete alerts, then the coach digest when it is due. */
export const ALERT_TASKS: WorkerTask[] = [
  { name: "alert check", run: runAlertChecks },
  { name: "coach digest", run: runCoachDigests },
];
