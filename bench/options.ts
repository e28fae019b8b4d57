/**
 * The bench scripts' command lines (README "Performance"), one table per entry point, parsed strictly by
 * bench/cli.ts: `npm run bench -- --help` and `npm run bench:profile -- --help` print them.
 */
import type { OptionTable } from "./cli";

/** `npm run bench` (bench/run.ts). Durations in seconds, latencies in milliseconds. */
export const BENCH_OPTIONS = {
  small: { kind: "flag", env: "BENCH_SMALL", help: "CI's quick run: the --small defaults below (200 athletes, 5 s, 500 refreshes, …)" },
  db: {
    kind: "string",
    env: "BENCH_DB_ENGINES",
    value: "sqlite|postgres|both",
    default: "both",
    choices: ["both", "sqlite", "postgres", "sqlite,postgres", "postgres,sqlite"],
    help: "engines measured, in turn (PostgreSQL: a throwaway server, or BENCH_POSTGRES_URL)",
  },
  athletes: { kind: "number", env: "BENCH_ATHLETES", default: 50_000, small: 200, min: 1, help: "athletes seeded (4 connections each)" },
  events: { kind: "number", env: "BENCH_EVENTS", default: 2_000_000, small: 8_000, help: "connection_events seeded" },
  duration: { kind: "number", env: "BENCH_DURATION", value: "S", default: 10, small: 5, min: 1, help: "seconds of autocannon per scenario" },
  connections: { kind: "number", env: "BENCH_CONNECTIONS", default: 10, min: 1, help: "autocannon concurrency" },
  refresh: { kind: "number", env: "BENCH_REFRESH", default: 10_000, small: 500, min: 1, help: "connections linked, then made due at once" },
  concurrency: {
    kind: "numbers",
    env: "BENCH_CONCURRENCY",
    default: [4, 100],
    small: [4, 32],
    min: 1,
    help: "REFRESHER_CONCURRENCY of one instance at each, then two instances at the highest",
  },
  "latency-connections": {
    kind: "number",
    env: "BENCH_LATENCY_CONNECTIONS",
    default: 20_000,
    small: 500,
    help: "latency line (PostgreSQL): connections due at once (0 skips it)",
  },
  "latency-ms": { kind: "number", env: "BENCH_LATENCY_MS", default: 250, help: "latency line: the sandbox's added latency in ms" },
  "latency-concurrency": {
    kind: "number",
    env: "BENCH_LATENCY_CONCURRENCY",
    default: 400,
    small: 100,
    min: 1,
    help: "latency line: refreshes in flight per instance",
  },
  mails: { kind: "number", env: "BENCH_MAILS", default: 2_000, small: 300, help: "mails enqueued (besides the alerts' and digests') and sent" },
  webhooks: {
    kind: "number",
    env: "BENCH_WEBHOOKS",
    default: 5_000,
    help: "webhook events to a receiver failing 30 % of requests (small too: fewer measure the retry tail; 0 skips)",
  },
  build: { kind: "flag", env: "BENCH_BUILD", help: "rebuild even if a build exists" },
  out: { kind: "string", env: "BENCH_OUT", value: "FILE", default: "bench/results.json", help: "where the results go" },
} as const satisfies OptionTable;

/** `npm run bench:profile` (bench/profile.ts). */
export const PROFILE_OPTIONS = {
  paths: { kind: "string", value: "/coach,/admin", help: "pages to time (default: the benchmark's pages)" },
  n: { kind: "number", default: 200, min: 1, help: "requests per page, after 30 warm-up requests" },
  noseed: { kind: "flag", help: "keep the existing database (the SQLite file is seeded anyway if missing)" },
  noprof: { kind: "flag", help: "timings only, no CPU profile" },
  url: { kind: "string", value: "postgres://…", help: "profile against this database instead of the benchmark's SQLite file" },
} as const satisfies OptionTable;
