/**
 * `npm run test:unit`: every `*.test.ts` under bench/, db/, e2e/, lib/, sandbox/, scripts/ and tests/ (unit tests live beside the
 * module they test), run by node:test one file at a time, each with tests/setup.ts loaded first (keys, and a fresh
 * database: an SQLite file, or a new PostgreSQL database when TEST_POSTGRES_URL is set, as `npm run test:pg`
 * does; then the `*.pg-test.ts` files run too). Extra arguments are passed to node (e.g.
 * `--test-name-pattern=…`); file paths given instead of the search run just those files.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const ROOTS = ["bench", "db", "e2e", "lib", "sandbox", "scripts", "tests"];
const onPostgres = !!process.env.TEST_POSTGRES_URL;
const isTest = (name: string) => name.endsWith(".test.ts") || (onPostgres && name.endsWith(".pg-test.ts"));

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : findTests(path);
    return isTest(entry.name) ? [path] : [];
  });
}

const args = process.argv.slice(2);
const files = args.filter((a) => a.endsWith(".test.ts"));
const options = args.filter((a) => !a.endsWith(".test.ts"));
const tests = files.length > 0 ? files : ROOTS.flatMap(findTests).sort();
const result = spawnSync(
  process.execPath,
  ["--conditions=react-server", "--import", "tsx", "--import", "./tests/setup.ts", "--test", "--test-concurrency=1", ...options, ...tests],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
