/**
 * `npm run bench:profile`: where a page's time goes. Seeds the 5,000-athlete benchmark database (unless
 * --noseed and one exists), starts the production build under Node's CPU profiler, requests each page one at a
 * time (after a warm-up) and prints its p50 and p90 in milliseconds and its size; the .cpuprofile lands in
 * data/bench/profile/ for Chromium's DevTools (Performance → Load profile) or any cpuprofile viewer.
 *
 * Options: --paths=/coach,/admin (default: the benchmark's pages), --n=200 (requests per page), --noseed,
 * --noprof (timings only), --url=postgres://… (profile against that database instead of the benchmark's SQLite
 * file: seeded unless --noseed, e.g. one left by a bench run or seeded by hand). The table is PROFILE_OPTIONS in
 * bench/options.ts; an unknown option, a bad number or an unknown path exits with code 2 before anything starts.
 */
import { existsSync, mkdirSync } from "node:fs";
import { nextStartCommand, SERVER_ENV } from "../scripts/next-start";
import { startProcess, waitUntilReady } from "../scripts/processes";
import { commandLineOrExit } from "./cli";
import { signIn } from "./client";
import { BENCH_APP_PORT, BENCH_APP_URL, BENCH_DB, BENCH_DIR, BENCH_SANDBOX_PORT, BENCH_SANDBOX_URL, benchAppEnv, benchEmail } from "./config";
import { PROFILE_OPTIONS } from "./options";
import { seedBenchDatabase } from "./seed";

const args = commandLineOrExit("npm run bench:profile --", PROFILE_OPTIONS);
const n = args.n;
const PAGES: [path: string, who: "athlete" | "coach" | "admin" | null][] = [
  ["/api/health", null],
  ["/login", null],
  ["/connections", "athlete"],
  ["/coach", "coach"],
  ["/coach?attention=1", "coach"],
  ["/admin", "admin"],
  ["/admin/connections", "admin"],
  ["/admin/connections?last=1", "admin"],
  ["/admin?last=1", "admin"],
  ["/admin?q=berg", "admin"],
  ["/admin/audit?service=enduco&kind=refreshed", "admin"],
  ["/coach/export", "coach"],
];
const only = args.paths?.split(",");
const unknownPaths = only?.filter((path) => !PAGES.some(([p]) => p === path)) ?? [];
if (unknownPaths.length > 0) {
  console.error(`npm run bench:profile --: unknown path ${unknownPaths.join(", ")}; the pages are ${PAGES.map(([p]) => p).join(" ")}`);
  process.exit(2);
}

async function main() {
  const url = args.url ?? BENCH_DB;
  if (!args.noseed || (url === BENCH_DB && !existsSync(BENCH_DB))) await seedBenchDatabase({ url, athletes: 5000, events: 200_000 });
  const profileDir = `${BENCH_DIR}/profile`;
  mkdirSync(profileDir, { recursive: true });
  const sandbox = startProcess("sandbox", "node_modules/.bin/tsx", ["sandbox/server.ts"], {
    env: { ...benchAppEnv({ DATABASE_URL: url }), SANDBOX_PORT: String(BENCH_SANDBOX_PORT) },
    output: "ignore",
  });
  const [node, serverArgs] = nextStartCommand(BENCH_APP_PORT);
  const profiler = args.noprof ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
  // Writing a large profile takes a while after SIGINT: a generous bound before SIGKILL.
  const server = startProcess("app", node, [...profiler, ...serverArgs], {
    env: benchAppEnv({ DATABASE_URL: url, ...SERVER_ENV }),
    output: "ignore",
    stopTimeoutMs: 60_000,
  });
  try {
    await waitUntilReady(`${BENCH_SANDBOX_URL}/__sandbox/health`, { timeoutMs: 30_000 });
    await waitUntilReady(`${BENCH_APP_URL}/api/ready`, { timeoutMs: 60_000 });
    const cookies = {
      athlete: await signIn(benchEmail.athlete(1)),
      coach: await signIn(benchEmail.coach(1)),
      admin: await signIn(benchEmail.admin(1)),
    };
    for (const [path, who] of PAGES.filter(([p]) => !only || only.includes(p))) {
      const headers: Record<string, string> = { "accept-encoding": "gzip" };
      if (who) headers.cookie = cookies[who];
      const once = async () => {
        const started = performance.now();
        const res = await fetch(`${BENCH_APP_URL}${path}`, { headers });
        const body = await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        return { ms: performance.now() - started, bytes: body.byteLength };
      };
      for (let i = 0; i < 30; i++) await once();
      const runs = [];
      for (let i = 0; i < n; i++) runs.push(await once());
      const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
      const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(2);
      console.log(`${path.padEnd(45)} p50 ${at(0.5)} ms  p90 ${at(0.9)} ms  ${(runs[0]!.bytes / 1024).toFixed(1)} KB`);
    }
  } finally {
    await Promise.all([server.stop("SIGINT"), sandbox.stop()]); // SIGINT lets Node write the profile
    if (profiler.length) console.log(`CPU profile in ${profileDir}/`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
