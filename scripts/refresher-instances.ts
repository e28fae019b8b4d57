import { startProcess } from "./processes";

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
 * resolves once it waits for `goFile` (rejects if it ends first); `done` resolves to its InstanceResult after it
 * drained, or rejects with its exit code and output. Its stderr is this process's; it is killed if this process exits.
 */
export function startRefresherInstance(goFile: string, env: Record<string, string> = {}): { ready: Promise<void>; done: Promise<InstanceResult> } {
  const instance = startProcess(
    "refresher instance",
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/refresher-instance.ts"],
    {
      env: { ...process.env, ...env, GO_FILE: goFile },
      output: "pipe",
    },
  );
  instance.child.stderr!.pipe(process.stderr, { end: false });
  let out = "";
  let isReady = false;
  const ready = new Promise<void>((resolve, reject) => {
    instance.child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      // Searched only until found: the instance's log lines (one per service call) follow, thousands of them.
      if (!isReady && out.includes("ready")) {
        isReady = true;
        resolve();
      }
    });
    void instance.exited.then(({ code, signal }) =>
      reject(new Error(`refresher instance ended before it was ready (${signal ?? `exit ${code}`}): ${out}`)),
    );
  });
  ready.catch(() => undefined); // a caller that awaits only `done` hears of the failure there
  const done = instance.exited.then(({ code, signal }) => {
    if (code !== 0) throw new Error(`refresher instance ${signal ? `ended by ${signal}` : `exited with ${code}`}: ${out}`);
    return JSON.parse(out.trim().split("\n").at(-1)!) as InstanceResult;
  });
  return { ready, done };
}
