/**
 * The app server of the e2e run (started by playwright.config.ts): a fresh SQLite file under data/e2e,
 * a production build (skipped with E2E_SKIP_BUILD=1 when one exists), migrations, demo users, then
 * `next start`. The server's stdout and stderr also go to data/e2e/server.log for the tests to inspect.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { APP_PORT, E2E_DIR, SERVER_LOG } from "../e2e/config";
import { nextStartCommand } from "./next-start";

const root = process.cwd();
const bin = (name: string) => join(root, "node_modules", ".bin", name);

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: process.env });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited with ${code}`))));
  });
}

rmSync(E2E_DIR, { recursive: true, force: true });
mkdirSync(E2E_DIR, { recursive: true });
if (process.env.E2E_SKIP_BUILD !== "1" || !existsSync(join(root, ".next", "BUILD_ID"))) {
  await run(bin("next"), ["build"]);
}
await run(bin("tsx"), ["--conditions=react-server", "scripts/migrate.ts"]);
await run(bin("tsx"), ["--conditions=react-server", "scripts/seed.ts"]);

const log = createWriteStream(SERVER_LOG, { flags: "a" });
const server = spawn(...nextStartCommand(APP_PORT), { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
for (const stream of [server.stdout, server.stderr]) {
  stream.on("data", (chunk: Buffer) => {
    log.write(chunk);
    process.stdout.write(chunk);
  });
}
server.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
