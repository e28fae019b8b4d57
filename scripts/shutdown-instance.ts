// A stand-in for a running server, for the graceful-shutdown test (lib/shutdown.test.ts): with the caller's
// environment (same database, sandbox, keys; NEXT_MANUAL_SIG_HANDLE set as scripts/next-start.ts SERVER_ENV does)
// it installs the same SIGTERM/SIGINT handlers as lib/startup.ts, starts the background refresher
// (startRefresher, every REFRESHER_INTERVAL_MS), prints "ready" and runs until a signal ends it.
// startShutdownInstance (scripts/shutdown-instances.ts) starts it.
import { startRefresher } from "@/lib/connections/refresher";
import { installShutdownHandlers } from "@/lib/shutdown";

if (!installShutdownHandlers()) throw new Error("NEXT_MANUAL_SIG_HANDLE is not set: no shutdown handlers");
startRefresher();
process.stdout.write("ready\n");
// The refresher's timer is unref'd; this stands for the HTTP server that keeps a real server alive.
setInterval(() => {}, 60_000);
