/**
 * Entry point: `npx tsx sandbox/server.ts` starts the four-service OAuth sandbox on SANDBOX_PORT
 * (default 4010). Importing this module only exposes `startSandbox` (for in-process tests).
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { startSandbox } from "./app.js";

export { startSandbox } from "./app.js";
export type { RunningSandbox, StartSandboxOptions } from "./app.js";

/** True when this file is the script node was started with. */
function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const rawPort = process.env.SANDBOX_PORT ?? "4010";
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SANDBOX_PORT must be a port number, got "${rawPort}"`);
  }
  const sandbox = await startSandbox({ port });
  console.log(`Sandbox listening on ${sandbox.url}`);
  const shutdown = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

if (isMain()) {
  main().catch((err: unknown) => {
    console.error(`Sandbox failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
