import { migrateDatabase } from "@/db/open";
import { parseKeyring } from "@/lib/crypto";

/**
 * Checks what the server cannot run without and prepares the database, before any request is served:
 * the environment (env.ts validation names each missing variable, e.g. NEXTAUTH_SECRET,
 * TOKEN_ENCRYPTION_KEY), the keyring, and the committed migrations (applied if pending); then stores the key
 * canary that /api/ready opens, if none is stored (lib/readiness/canary.ts), feeds every outbound service call to
 * the latency histogram of /api/metrics (onServiceCall → observeServiceCall), and starts the background refresher,
 * the worker that sends mail and runs the alert checks, and the webhook worker, and installs the graceful-shutdown
 * handlers (lib/shutdown.ts: SIGTERM/SIGINT finish the work in flight within SHUTDOWN_TIMEOUT_MS). On failure it prints one clear
 * line and exits with status 1 (docs/SECURITY.md row 15).
 */
export async function startServer(): Promise<void> {
  try {
    // Imported here so that validation errors are caught and reported below.
    const { env } = await import("@/lib/env");
    const keyring = parseKeyring(env.TOKEN_ENCRYPTION_KEY);
    await migrateDatabase(env.DATABASE_URL);
    if (process.env.NEXT_PHASE !== "phase-production-build") {
      const { db } = await import("@/db");
      await (await import("@/lib/readiness/canary")).ensureKeyCanary(db, keyring);
      const { onServiceCall } = await import("@/lib/integrations/http");
      onServiceCall((await import("@/lib/metrics/registry")).observeServiceCall);
      const { startRefresher } = await import("@/lib/connections/refresher");
      startRefresher();
      const { startWorker } = await import("@/lib/mail/worker");
      const { ALERT_TASKS } = await import("@/lib/alerts/tasks");
      startWorker([...ALERT_TASKS]);
      (await import("@/lib/webhooks/worker")).startWebhookWorker();
      (await import("@/lib/shutdown")).installShutdownHandlers();
    }
  } catch (error) {
    console.error(`TrainLink cannot start. ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
