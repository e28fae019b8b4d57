import { spawn } from "node:child_process";

/** What one refresher instance did: connections refreshed and failed, passes, and its time in milliseconds. */
export interface InstanceResult {
  refreshed: number;
  failed: number;
  revoked: number;
  passes: number;
  ms: number;
}

/**
 * Starts scripts/refresher-instance.ts in its own process with this process's environment plus `env`: `ready`
 * resolves once it waits for `goFile`; `done` resolves to its InstanceResult after it drained, or rejects with
 * its exit code and output.
 */
export function startRefresherInstance(goFile: string, env: Record<string, string> = {}): { ready: Promise<void>; done: Promise<InstanceResult> } {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/refresher-instance.ts"], {
    env: { ...process.env, ...env, GO_FILE: goFile },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let isReady = false;
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    // Searched only until found: the instance's log lines (one per service call) follow, thousands of them.
    if (!isReady && out.includes("ready")) {
      isReady = true;
      markReady();
    }
  });
  const done = new Promise<InstanceResult>((resolve, reject) =>
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`refresher instance exited with ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1)!) as InstanceResult);
    }),
  );
  return { ready, done };
}
