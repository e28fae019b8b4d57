/**
 * `npm run test:pg`: the unit suite and the e2e suite again, on a real PostgreSQL this script starts and stops
 * itself (scripts/postgres.ts: the system's PostgreSQL binaries, installed with apt-get when missing and run as
 * root; `initdb` as an unprivileged user in a temporary folder; a free port). Every unit test file gets its own
 * database on it (tests/setup.ts, TEST_POSTGRES_URL); every e2e app server too (scripts/e2e-server.ts,
 * E2E_DATABASE=postgres). Arguments: `--unit` or `--e2e` runs one half; anything else goes to that runner.
 */
import { spawnSync } from "node:child_process";
import { startThrowawayPostgres } from "./postgres";

const args = process.argv.slice(2);
const only = args.find((a) => a === "--unit" || a === "--e2e");
const rest = args.filter((a) => a !== "--unit" && a !== "--e2e");

const server = await startThrowawayPostgres();
console.log(`test:pg: PostgreSQL ready at ${server.url}`);
let status = 0;
try {
  const env = { ...process.env, TEST_POSTGRES_URL: server.url, E2E_DATABASE: "postgres", E2E_POSTGRES_URL: server.url };
  const node = (script: string, extra: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", script, ...extra], { stdio: "inherit", env }).status ?? 1;
  if (only !== "--e2e") status = node("scripts/unit-tests.ts", rest);
  if (status === 0 && only !== "--unit") {
    // Through npm so that pretest:e2e finds or installs Chromium first, as `npm test` does.
    status = spawnSync("npm", ["run", "test:e2e", ...(rest.length > 0 ? ["--", ...rest] : [])], { stdio: "inherit", env }).status ?? 1;
  }
} finally {
  server.stop();
}
process.exit(status);
