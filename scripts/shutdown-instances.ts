import { spawn } from "node:child_process";
import { SERVER_ENV } from "./next-start";

/** A running scripts/shutdown-instance.ts: its exit (code, output, and milliseconds from `signal` to exit). */
export interface ShutdownInstance {
  /** Resolves once the instance installed its handlers and started the refresher. */
  ready: Promise<void>;
  /** Sends `name` (SIGTERM by default) and notes when, for `exited.afterSignalMs`. */
  signal(name?: NodeJS.Signals): void;
  /** Resolves when the process ended: its exit code, all it printed, and ms from the first signal to its exit. */
  exited: Promise<{ code: number | null; output: string; afterSignalMs: number }>;
}

/**
 * Starts scripts/shutdown-instance.ts in its own process with this process's environment plus SERVER_ENV and
 * `env` (e.g. SHUTDOWN_TIMEOUT_MS, REFRESHER_INTERVAL_MS, REFRESHER_CONCURRENCY).
 */
export function startShutdownInstance(env: Record<string, string> = {}): ShutdownInstance {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/shutdown-instance.ts"], {
    env: { ...process.env, ...SERVER_ENV, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let signalledAt = 0;
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("ready\n")) markReady();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<{ code: number | null; output: string; afterSignalMs: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, output, afterSignalMs: signalledAt ? Date.now() - signalledAt : -1 })),
  );
  return {
    ready: Promise.race([ready, exited.then(({ code, output: out }) => Promise.reject(new Error(`instance exited with ${code}: ${out}`)))]),
    signal(name = "SIGTERM") {
      signalledAt ||= Date.now();
      child.kill(name);
    },
    exited,
  };
}
