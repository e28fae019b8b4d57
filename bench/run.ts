/**
 * `npm run bench`: seeds a benchmark database, starts the production build and the sandbox on their own ports,
 * and measures (see README "Performance"):
 *   - latency and throughput of the main pages under autocannon at a fixed concurrency, against a trivial
 *     route handler of the same app (the floor), then the p50 with one request at a time (no queueing: the
 *     server's own cost per request);
 *   - refresh throughput: N connections made due at once, drained by the real refresher against the
 *     sandbox, at each REFRESHER_CONCURRENCY, with duplicate refreshes and lost tokens counted;
 *   - first-load JavaScript (compressed, as transferred) of three pages in Chromium;
 *   - mail (bench/mail-worker.ts): the alert check, the coach digest, and the outbox sent to a local SMTP catcher;
 *   - webhooks (bench/webhook-delivery.ts): events delivered to a local receiver failing 30 % of requests;
 *   - the server's peak RSS.
 * Prints a table and writes bench/results.json.
 *
 * Options (flags or env; the table in bench/options.ts, `npm run bench -- --help`): --small (CI: 200 athletes and 2
 * coaches, 5 s, 500 refreshes, concurrency 4,32), --db=sqlite|postgres|both (BENCH_DB_ENGINES, both: every
 * measurement on each engine in turn, then a table side by side; PostgreSQL is a throwaway server from
 * scripts/postgres.ts, or BENCH_POSTGRES_URL), --athletes=N (BENCH_ATHLETES, 50000: 200,000 connections),
 * --events=N (BENCH_EVENTS, 2000000), --duration=S (BENCH_DURATION, 10), --connections=N (BENCH_CONNECTIONS,
 * autocannon concurrency, 10), --refresh=N (BENCH_REFRESH, 10000), --concurrency=4,100 (BENCH_CONCURRENCY: one
 * instance at each, then two instances at the highest), --latency-connections=N, --latency-ms=N,
 * --latency-concurrency=N (the PostgreSQL latency line), --build (BENCH_BUILD=1: rebuild even if a build exists),
 * --out=FILE (BENCH_OUT, bench/results.json), --mails=N (BENCH_MAILS, 2000; small 300), --webhooks=N
 * (BENCH_WEBHOOKS, 5000, small too: fewer events measure the retry tail rather than delivery; 0 skips the webhook
 * line). An unknown option, a missing value or a bad number exits with code 2 before anything is seeded or built.
 */
import autocannon from "autocannon";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { ensureBrowser, launchOptionsFor } from "../scripts/browser";
import {
  BENCH_API_KEY,
  BENCH_METRICS_TOKEN,
  BENCH_APP_PORT,
  BENCH_APP_URL,
  BENCH_DB,
  BENCH_DIR,
  BENCH_SANDBOX_PORT,
  BENCH_SANDBOX_URL,
  BENCH_SERVER_LOG,
  benchAppEnv,
  benchEmail,
} from "./config";
import { nextStartCommand, SERVER_ENV } from "../scripts/next-start";
import { startProcess, waitUntilReady, type StartedProcess } from "../scripts/processes";
import { commandLineOrExit } from "./cli";
import { signIn } from "./client";
import { BENCH_OPTIONS } from "./options";
import { seedBenchDatabase } from "./seed";
import { startThrowawayPostgres } from "../scripts/postgres";

const root = process.cwd();
const bin = (name: string) => join(root, "node_modules", ".bin", name);

// ---------- options ----------
const args = commandLineOrExit("npm run bench --", BENCH_OPTIONS);
const options = {
  small: args.small,
  athletes: args.athletes,
  events: args.events,
  durationS: args.duration,
  connections: args.connections,
  refresh: args.refresh,
  concurrency: args.concurrency,
  /** The latency line (PostgreSQL): connections due at once, the sandbox's added latency in ms, refreshes in flight per instance. */
  latencyConnections: args["latency-connections"],
  latencyMs: args["latency-ms"],
  latencyConcurrency: args["latency-concurrency"],
  /** The mail line: mails enqueued (besides the alerts' and digests') and sent to a local catcher. */
  mails: args.mails,
  /** The webhook line: events delivered to a local receiver failing 30 % of requests (0 skips it). */
  webhooks: args.webhooks,
  build: args.build,
  /** Engines measured in this run, in order (--db=sqlite|postgres|both; BENCH_DB_ENGINES). Default both. */
  engines: args.db === "both" ? ["sqlite", "postgres"] : args.db.split(","),
  out: args.out,
  /** A PostgreSQL server to use instead of a throwaway one (BENCH_POSTGRES_URL; its database is dropped and reseeded). */
  postgresUrl: process.env.BENCH_POSTGRES_URL,
};

const children: StartedProcess[] = [];
/** SIGTERM to every child still running (at once); resolves when they have ended (SIGKILL after each one's stop bound). */
function stopAll(): Promise<void> {
  return Promise.all(children.map((child) => child.stop())).then(() => undefined);
}
process.on("SIGINT", () => {
  void stopAll();
  process.exit(130);
});

const log = (line: string) => console.log(`[bench] ${line}`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

// ---------- memory: RSS of the server's process tree ----------
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone */
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]!) ?? []));
  return out;
}

function rssKb(pid: number): number {
  let total = 0;
  for (const p of descendants(pid)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      total += Number(match?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return total;
}

// ---------- load scenarios ----------
interface Scenario {
  name: string;
  path: string;
  cookie: string | null;
  /** Text the response must contain (checked once before measuring). */
  expect: string;
  /** GET unless said (the API's access-token endpoint is a POST). */
  method?: "GET" | "POST";
  /** More request headers (the API key's Authorization). */
  headers?: Record<string, string>;
}
interface ScenarioResult {
  name: string;
  path: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  ratioToFloor: number;
  /** p50 with one request at a time (no queueing): what one request of this page costs the server, in ms. */
  serialP50: number;
  serialRatioToFloor: number;
  bytesPerResponse: number;
  non2xx: number;
  errors: number;
  /** The server's peak RSS while this scenario ran, in MB. */
  peakRssMb: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function cannon(
  url: string,
  headers: Record<string, string>,
  durationS: number,
  connections = options.connections,
  method: "GET" | "POST" = "GET",
): Promise<{ latencies: number[]; result: autocannon.Result }> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon({ url, method, connections, duration: durationS, headers, timeout: 30 }, (error, result) =>
      error ? reject(error) : resolve({ latencies, result }),
    );
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  });
}

/** Peak RSS (kB) since the last reset: the sampler raises it, each scenario reads and resets it. */
const rss = { peakKb: 0, scenarioKb: 0 };

async function runScenario(s: Scenario, floor: ScenarioResult | null): Promise<ScenarioResult> {
  rss.scenarioKb = 0;
  const headers: Record<string, string> = { "accept-encoding": "gzip, deflate, br", accept: "text/html,application/json,*/*", ...s.headers };
  if (s.cookie) headers.cookie = s.cookie;
  const method = s.method ?? "GET";
  const probe = await fetch(`${BENCH_APP_URL}${s.path}`, { method, headers, redirect: "manual" });
  const text = await probe.text();
  if (probe.status !== 200 || !text.includes(s.expect)) throw new Error(`${s.name}: ${s.path} answered ${probe.status} without "${s.expect}"`);
  await cannon(`${BENCH_APP_URL}${s.path}`, headers, Math.max(1, Math.min(3, Math.round(options.durationS / 3))), options.connections, method); // warm-up, discarded
  const { latencies, result } = await cannon(`${BENCH_APP_URL}${s.path}`, headers, options.durationS, options.connections, method);
  latencies.sort((a, b) => a - b);
  const p50 = percentile(latencies, 50);
  const serial = (await cannon(`${BENCH_APP_URL}${s.path}`, headers, Math.max(2, Math.round(options.durationS / 3)), 1, method)).latencies.sort(
    (a, b) => a - b,
  );
  const serialP50 = percentile(serial, 50);
  const out: ScenarioResult = {
    name: s.name,
    path: s.path,
    requests: result.requests.total,
    p50: round(p50, 2),
    p95: round(percentile(latencies, 95), 2),
    p99: round(percentile(latencies, 99), 2),
    rps: round(result.requests.total / result.duration),
    ratioToFloor: floor ? round(p50 / floor.p50, 2) : 1,
    serialP50: round(serialP50, 2),
    serialRatioToFloor: floor ? round(serialP50 / floor.serialP50, 2) : 1,
    bytesPerResponse: Math.round(result.throughput.total / Math.max(1, result.requests.total)),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    peakRssMb: round(rss.scenarioKb / 1024),
  };
  log(
    `${s.name}: p50 ${out.p50} ms, p95 ${out.p95} ms, p99 ${out.p99} ms, ${out.rps} req/s, ×${out.ratioToFloor} floor; one at a time p50 ${out.serialP50} ms (×${out.serialRatioToFloor}); peak RSS ${out.peakRssMb} MB`,
  );
  return out;
}

// ---------- page weight ----------
interface PageWeight {
  page: string;
  scripts: number;
  jsCompressedKb: number;
  jsUncompressedKb: number;
  totalTransferKb: number;
}

async function pageWeights(pages: { path: string; cookie: string }[]): Promise<PageWeight[]> {
  const browser = await chromium.launch(launchOptionsFor(await ensureBrowser({ provision: true })));
  const out: PageWeight[] = [];
  try {
    for (const { path, cookie } of pages) {
      const context = await browser.newContext(); // empty cache: a first load
      const [name, value] = [cookie.slice(0, cookie.indexOf("=")), cookie.slice(cookie.indexOf("=") + 1)];
      await context.addCookies([{ name, value, url: BENCH_APP_URL }]);
      const page = await context.newPage();
      const responses: import("@playwright/test").Response[] = [];
      page.on("response", (r) => responses.push(r));
      const main = await page.goto(`${BENCH_APP_URL}${path}`, { waitUntil: "networkidle" });
      if (!main || main.status() !== 200 || new URL(page.url()).pathname !== path)
        throw new Error(`page weight: ${path} did not load (${main?.status()} at ${page.url()})`);
      let js = 0;
      let jsRaw = 0;
      let total = 0;
      let scripts = 0;
      for (const r of responses) {
        const sizes = await r.request().sizes();
        total += sizes.responseBodySize + sizes.responseHeadersSize;
        const type = r.headers()["content-type"] ?? "";
        if (r.request().resourceType() === "script" || type.includes("javascript")) {
          scripts++;
          js += sizes.responseBodySize; // encoded (compressed) body bytes as transferred
          jsRaw += (await r.body().catch(() => Buffer.alloc(0))).length;
        }
      }
      out.push({
        page: path,
        scripts,
        jsCompressedKb: round(js / 1024),
        jsUncompressedKb: round(jsRaw / 1024),
        totalTransferKb: round(total / 1024),
      });
      log(`page weight ${path}: ${scripts} scripts, ${round(js / 1024)} KB compressed JS (${round(jsRaw / 1024)} KB uncompressed)`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return out;
}

// ---------- refresh throughput ----------
function worker(command: string[], env: NodeJS.ProcessEnv, script = "bench/refresh-worker.ts"): Record<string, unknown> {
  const res = spawnSync(bin("tsx"), ["--conditions=react-server", script, ...command], {
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`${script} ${command.join(" ")} failed:\n${res.stderr}\n${res.stdout}`);
  const last = res.stdout.trim().split("\n").at(-1)!;
  return JSON.parse(last) as Record<string, unknown>;
}

/** worker() without blocking this process: the bench keeps measuring pages while it runs. */
async function workerAsync(command: string[], env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const child = startProcess("refresh worker", bin("tsx"), ["--conditions=react-server", "bench/refresh-worker.ts", ...command], {
    env,
    output: "pipe",
  });
  let out = "";
  let err = "";
  child.child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const { code } = await child.exited;
  if (code !== 0) throw new Error(`refresh worker ${command.join(" ")} failed:\n${err}\n${out}`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

async function setSandboxLatency(ms: number): Promise<void> {
  const res = await fetch(`${BENCH_SANDBOX_URL}/__sandbox/latency`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ms }),
  });
  if (!res.ok) throw new Error(`sandbox latency: HTTP ${res.status}`);
}

/** One-at-a-time latencies (ms) of GET `path` on `baseUrl` with `cookie`, until `until` settles or `forMs` passes. */
async function serialTimings(baseUrl: string, path: string, cookie: string, stop: { done: boolean } | number): Promise<number[]> {
  const times: number[] = [];
  const deadline = typeof stop === "number" ? Date.now() + stop : Infinity;
  while (typeof stop === "number" ? Date.now() < deadline : !stop.done) {
    const started = performance.now();
    const res = await fetch(`${baseUrl}${path}`, { headers: { cookie, "accept-encoding": "gzip" }, redirect: "manual" });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path} on ${baseUrl} answered ${res.status}`);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/**
 * The latency line: services answering in `latencyMs` (the sandbox's latency setting), `latencyConnections`
 * connections due at once, two app servers (`next start`, their own background refresher on, REFRESHER_CONCURRENCY
 * `latencyConcurrency`) sharing the database; measures refreshes per second, duplicates and losses (the worker's
 * `served` check), and /coach one at a time on the first server before (idle) and during the run.
 */
async function latencyLine(appEnv: (extra?: Record<string, string>) => NodeJS.ProcessEnv, coachCookie: string): Promise<Record<string, unknown>> {
  const engine = String(appEnv().DATABASE_URL).startsWith("postgres") ? "postgres" : "sqlite";
  const count = Math.min(options.latencyConnections, options.athletes * 3); // three refreshable services per athlete
  log(`[${engine}] latency line: linking ${count} connections …`);
  worker(["link", String(count)], appEnv());
  const start = (port: number) => {
    const url = `http://localhost:${port}`;
    const child = startProcess(`app on ${port}`, ...nextStartCommand(port), {
      env: appEnv({
        ...SERVER_ENV,
        PORT: String(port),
        NEXTAUTH_URL: url,
        REFRESHER_ENABLED: "true",
        REFRESHER_INTERVAL_MS: "500",
        REFRESHER_CONCURRENCY: String(options.latencyConcurrency),
        OUTBOUND_TIMEOUT_MS: "15000",
      }),
      output: "ignore",
      stopTimeoutMs: 15_000,
    });
    children.push(child);
    return { url, child };
  };
  const servers = [start(BENCH_APP_PORT + 1)];
  try {
    await waitUntilReady(`${servers[0]!.url}/api/ready`, { timeoutMs: 60_000 });
    await setSandboxLatency(options.latencyMs);
    // One instance first, then two: the same connections made due again.
    const one = await workerAsync(["served", "600"], appEnv());
    log(
      `[${engine}] latency line, one instance: ${String(one.perSecond)} refreshes/s, duplicates ${String(one.duplicates)}, lost ${String(one.lost)}`,
    );
    servers.push(start(BENCH_APP_PORT + 2));
    await waitUntilReady(`${servers[1]!.url}/api/ready`, { timeoutMs: 60_000 });
    const idle = await serialTimings(servers[0]!.url, "/coach", coachCookie, Math.max(3_000, options.durationS * 300));
    const stop = { done: false };
    const busyTimings = serialTimings(servers[0]!.url, "/coach", coachCookie, stop);
    const two = await workerAsync(["served", "600"], appEnv()).finally(() => (stop.done = true));
    const busy = await busyTimings;
    const idleP50 = round(percentile(idle, 50), 2);
    const busyP50 = round(percentile(busy, 50), 2);
    const line = {
      ...two,
      instances: 2,
      oneInstance: one,
      latencyMs: options.latencyMs,
      concurrency: options.latencyConcurrency,
      coachIdleP50: idleP50,
      coachBusyP50: busyP50,
      coachRatio: round(busyP50 / idleP50, 2),
      coachSamples: busy.length,
    };
    log(
      `[${engine}] latency line, two instances: ${String(two.connections)} due, ${String(two.perSecond)} refreshes/s, duplicates ${String(two.duplicates)}, lost ${String(two.lost)}; /coach one at a time ${idleP50} ms idle, ${busyP50} ms during (×${line.coachRatio})`,
    );
    return line;
  } finally {
    await setSandboxLatency(0).catch(() => undefined);
    await Promise.all(servers.map((s) => s.child.stop()));
  }
}

// ---------- table ----------
function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  return [
    line(cells[0]!),
    `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`,
    ...cells.slice(1).map(line),
  ].join("\n");
}

// ---------- one engine ----------
interface EngineRun {
  engine: string;
  seed: Awaited<ReturnType<typeof seedBenchDatabase>>;
  scenarios: ScenarioResult[];
  refresh: { linked: Record<string, unknown>; runs: Record<string, unknown>[] };
  /** The latency line (PostgreSQL only). */
  latency: Record<string, unknown> | null;
  mail: MailLine;
  /** What bench/webhook-delivery.ts measured; null when skipped (--webhooks=0). */
  webhooks: WebhookLine | null;
  weights: PageWeight[];
  peakKb: number;
}

/** What bench/webhook-delivery.ts measured (its JSON line). */
interface WebhookLine {
  events: number;
  enqueueMs: number;
  deliverMs: number;
  perSecond: number;
  requests: number;
  failedRequests: number;
  duplicates: number;
  lost: number;
  badSignatures: number;
}

/** What bench/mail-worker.ts measured (its JSON line). */
interface MailLine {
  alerts: { opened: number; checks: number; ms: number; steadyCheckMs: number };
  digest: { coaches: number; athletes: number; digests: number; mails: number; ms: number };
  send: { queued: number; sent: number; ms: number; perSecond: number; caught: number; duplicates: number; lost: number };
}

/**
 * Seeds the database at `url`, starts the sandbox and the production server on it, and measures every scenario
 * and the refresh runs (one instance at each REFRESHER_CONCURRENCY, then two instances at the highest); the page
 * weights only when `withWeights` (they do not depend on the engine).
 */
async function runEngine(engine: string, url: string, withWeights: boolean): Promise<EngineRun> {
  log(`[${engine}] seeding: ${options.athletes} athletes, ${options.events} events …`);
  // 50 coaches of 100 athletes at 5,000 athletes; the small run keeps rosters of 100 with fewer coaches.
  const seed = await seedBenchDatabase({
    url,
    athletes: options.athletes,
    events: options.events,
    coaches: Math.max(2, Math.round(options.athletes / 100)),
  });
  log(`[${engine}] seeded in ${seed.ms} ms: ${JSON.stringify(seed)}`);
  const appEnv = (extra: Record<string, string> = {}) => benchAppEnv({ DATABASE_URL: url, ...extra });

  const sandbox = startProcess("sandbox", bin("tsx"), ["sandbox/server.ts"], {
    env: { ...appEnv(), SANDBOX_PORT: String(BENCH_SANDBOX_PORT) },
    output: "ignore",
  });
  children.push(sandbox);
  rmSync(BENCH_SERVER_LOG, { force: true });
  const server = startProcess("app", ...nextStartCommand(BENCH_APP_PORT), {
    env: appEnv({ ...SERVER_ENV }),
    output: BENCH_SERVER_LOG,
    stopTimeoutMs: 15_000,
  });
  children.push(server);
  await waitUntilReady(`${BENCH_SANDBOX_URL}/__sandbox/health`, { timeoutMs: 30_000 });
  await waitUntilReady(`${BENCH_APP_URL}/api/ready`, { timeoutMs: 60_000 });
  const serverPid = server.child.pid!;
  log(`[${engine}] app on ${BENCH_APP_URL} (pid ${serverPid}), sandbox on ${BENCH_SANDBOX_URL}`);

  rss.peakKb = 0;
  const sampler = setInterval(() => {
    const kb = rssKb(serverPid);
    rss.peakKb = Math.max(rss.peakKb, kb);
    rss.scenarioKb = Math.max(rss.scenarioKb, kb);
  }, 250);
  sampler.unref();

  const athlete = await signIn(benchEmail.athlete(1));
  const coach = await signIn(benchEmail.coach(1));
  const admin = await signIn(benchEmail.admin(1));
  log(`[${engine}] signed in as athlete-1, coach-1 and admin-1`);

  const weights = withWeights
    ? await pageWeights([
        { path: "/connections", cookie: athlete },
        { path: "/coach", cookie: coach },
        { path: "/admin", cookie: admin },
      ])
    : [];

  const scenarios: Scenario[] = [
    { name: "floor: GET /api/health", path: "/api/health", cookie: null, expect: '"ok":true' },
    // A page with no session and no data: what any server-rendered page costs here, whatever its data.
    { name: "reference: /login page", path: "/login", cookie: null, expect: "Sign in" },
    { name: "athlete /connections", path: "/connections", cookie: athlete, expect: "Connections" },
    { name: "coach /coach", path: "/coach", cookie: coach, expect: "Roster" },
    { name: "coach /coach needs attention", path: "/coach?attention=1", cookie: coach, expect: "Roster" },
    { name: "admin users p1", path: "/admin", cookie: admin, expect: "Users" },
    { name: "admin users last page", path: "/admin?last=1", cookie: admin, expect: "Users" },
    { name: "admin connections p1", path: "/admin/connections", cookie: admin, expect: "Connections" },
    { name: "admin connections last page", path: "/admin/connections?last=1", cookie: admin, expect: "Connections" },
    { name: "admin users search", path: "/admin?q=berg", cookie: admin, expect: "Users" },
    { name: "admin audit p1", path: "/admin/audit", cookie: admin, expect: "Audit log" },
    { name: "admin audit filtered", path: "/admin/audit?service=enduco&kind=refreshed", cookie: admin, expect: "Audit log" },
    { name: "coach CSV export", path: "/coach/export", cookie: coach, expect: '"Name","Email"' },
    {
      name: "API: POST access-token (valid token)",
      path: `/api/v1/connections/${await benchConnectionId()}/access-token`,
      cookie: null,
      method: "POST",
      headers: apiKeyHeaders,
      expect: '"access_token"',
    },
    // The Prometheus scrape: counters, histogram and process metrics, plus the database gauges' three queries.
    {
      name: "metrics: GET /api/metrics",
      path: "/api/metrics",
      cookie: null,
      headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` },
      expect: "trainlink_connections",
    },
  ];
  const results: ScenarioResult[] = [];
  for (const s of scenarios) results.push(await runScenario(s, results[0] ?? null));

  log(`[${engine}] refresh: linking ${options.refresh} connections through the sandbox …`);
  const linked = worker(["link", String(options.refresh)], appEnv());
  log(`[${engine}] linked ${linked.linked} in ${linked.ms} ms`);
  const refresh: Record<string, unknown>[] = [];
  const runs = [...options.concurrency.map((c) => ({ c, instances: 1 })), { c: Math.max(...options.concurrency), instances: 2 }];
  for (const { c, instances } of runs) {
    const r = worker(["drain", String(instances)], appEnv({ REFRESHER_CONCURRENCY: String(c) }));
    refresh.push(r);
    log(
      `[${engine}] refresh ${instances} instance(s) × concurrency ${c}: ${r.connections} in ${r.ms} ms = ${r.perSecond}/s (per instance ${JSON.stringify(r.perInstance)}), duplicates ${r.duplicates}, lost ${r.lost}, failed ${r.failed}`,
    );
  }

  clearInterval(sampler);
  const peakKb = Math.max(rss.peakKb, rssKb(serverPid));
  const latency = engine === "postgres" && options.latencyConnections > 0 ? await latencyLine(appEnv, coach) : null;
  await stopAll();
  log(`[${engine}] mail: alert check, coach digest, and sending the outbox to a mail catcher …`);
  const mail = worker([String(options.mails)], appEnv(), "bench/mail-worker.ts") as unknown as MailLine;
  log(`[${engine}] mail: ${JSON.stringify(mail)}`);
  let webhooks: WebhookLine | null = null;
  if (options.webhooks > 0) {
    log(`[${engine}] webhooks: ${options.webhooks} events to a local receiver failing 30 % of requests …`);
    webhooks = worker([String(options.webhooks)], appEnv(), "bench/webhook-delivery.ts") as unknown as WebhookLine;
    log(`[${engine}] webhooks: ${JSON.stringify(webhooks)}`);
  }
  return { engine, seed, scenarios: results, refresh: { linked, runs: refresh }, latency, mail, webhooks, weights, peakKb };
}

const apiKeyHeaders = { authorization: `Bearer ${BENCH_API_KEY}` };

/** A connected FitRankings connection (its token never expires, so the access-token line measures no refresh), found through the API itself. */
async function benchConnectionId(): Promise<string> {
  const response = await fetch(`${BENCH_APP_URL}/api/v1/connections?service=fitrankings&status=connected&limit=1`, { headers: apiKeyHeaders });
  const body = (await response.json()) as { data?: { id: string }[] };
  const id = body.data?.[0]?.id;
  if (!response.ok || !id) throw new Error(`GET /api/v1/connections answered ${response.status} without a connected FitRankings connection`);
  return id;
}

// ---------- main ----------
async function main() {
  const startedAt = new Date();
  const t0 = Date.now();
  const loadAtStart = round(os.loadavg()[0]!, 2);
  log(`options: ${JSON.stringify(options)}`);
  mkdirSync(BENCH_DIR, { recursive: true });

  if (options.build || !existsSync(join(root, ".next", "BUILD_ID"))) {
    log("building (next build) …");
    const built = spawnSync(bin("next"), ["build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (built.status !== 0) throw new Error("next build failed");
  }

  const engineRuns: EngineRun[] = [];
  for (const engine of options.engines) {
    if (engine === "sqlite") {
      engineRuns.push(await runEngine("sqlite", BENCH_DB, engineRuns.length === 0));
      continue;
    }
    const server = options.postgresUrl ? null : await startThrowawayPostgres();
    try {
      const url = options.postgresUrl ?? server!.url;
      engineRuns.push(await runEngine("postgres", url, engineRuns.length === 0));
    } finally {
      server?.stop();
    }
  }

  const first = engineRuns[0]!;
  const weights = first.weights;
  const peakKb = Math.max(...engineRuns.map((r) => r.peakKb));
  const byEngine = (engine: string) => engineRuns.find((r) => r.engine === engine);
  const sqliteRun = byEngine("sqlite");
  const postgresRun = byEngine("postgres");
  const targets: { target: string; met: boolean | null; value: string }[] = [];
  for (const run of engineRuns) {
    const coachPage = run.scenarios.find((r) => r.path === "/coach")!;
    const adminRows = run.scenarios.filter((r) => r.path.startsWith("/admin"));
    const refreshRuns = run.refresh.runs;
    const one = refreshRuns.filter((r) => r.instances === 1).at(-1);
    const two = refreshRuns.find((r) => r.instances === 2);
    const flat = (a: string, b: string) => {
      const first = run.scenarios.find((r) => r.name === a);
      const last = run.scenarios.find((r) => r.name === b);
      return first && last ? round(last.serialP50 / first.serialP50, 2) : NaN;
    };
    const accessToken = run.scenarios.find((r) => r.path.endsWith("/access-token"))!;
    const metrics = run.scenarios.find((r) => r.path === "/api/metrics")!;
    targets.push(
      { target: `[${run.engine}] /coach p50 ≤ 3× floor p50`, met: coachPage.ratioToFloor <= 3, value: `×${coachPage.ratioToFloor}` },
      {
        target: `[${run.engine}] API access token (valid) one-at-a-time p50 ≤ 2× floor`,
        met: accessToken.serialRatioToFloor <= 2,
        value: `${accessToken.serialP50} ms (×${accessToken.serialRatioToFloor})`,
      },
      { target: `[${run.engine}] /coach p95 < 60 ms`, met: coachPage.p95 < 60, value: `${coachPage.p95} ms` },
      {
        target: `[${run.engine}] /api/metrics one-at-a-time p50 < 50 ms at ${options.athletes} athletes`,
        met: metrics.serialP50 < 50,
        value: `${metrics.serialP50} ms (p95 under load ${metrics.p95} ms)`,
      },
      {
        target: `[${run.engine}] admin lists and audit ≤ 3× floor p50`,
        met: adminRows.every((r) => r.ratioToFloor <= 3),
        value: adminRows.map((r) => `×${r.ratioToFloor}`).join(", "),
      },
      {
        target: `[${run.engine}] admin lists flat: last page one-at-a-time p50 ≤ 1.5× page 1`,
        met: flat("admin connections p1", "admin connections last page") <= 1.5 && flat("admin users p1", "admin users last page") <= 1.5,
        value: `connections ×${flat("admin connections p1", "admin connections last page")}, users ×${flat("admin users p1", "admin users last page")}`,
      },
      {
        target: `[${run.engine}] refresh, services at 0 ms (CPU-bound): two instances ≥ 1.5× one instance`,
        met: one && two ? Number(two.perSecond) >= 1.5 * Number(one.perSecond) : null,
        value: one && two ? `${two.perSecond}/s vs ${one.perSecond}/s (×${round(Number(two.perSecond) / Number(one.perSecond), 2)})` : "not run",
      },
      {
        target: `[${run.engine}] 0 duplicate refreshes, 0 lost tokens`,
        met: refreshRuns.every((r) => r.duplicates === 0 && r.lost === 0 && r.missing === 0),
        value: refreshRuns.map((r) => `${String(r.duplicates)}/${String(r.lost)}`).join(", "),
      },
    );
  }
  for (const run of engineRuns) {
    const l = run.latency;
    if (!l) continue;
    targets.push(
      {
        target: `[${run.engine}] ${String(l.latencyMs)} ms services, two instances: ≥ 1,000 refreshes/s, 0 duplicates, 0 lost`,
        met: Number(l.perSecond) >= 1000 && l.duplicates === 0 && l.lost === 0 && l.missing === 0,
        value: `${String(l.perSecond)}/s, ${String(l.duplicates)} duplicates, ${String(l.lost)} lost`,
      },
      {
        target: `[${run.engine}] ${String(l.latencyMs)} ms services: two instances ≥ 1.5× one instance`,
        met: Number(l.perSecond) >= 1.5 * Number((l.oneInstance as Record<string, unknown>).perSecond),
        value: `${String(l.perSecond)}/s vs ${String((l.oneInstance as Record<string, unknown>).perSecond)}/s`,
      },
      {
        target: `[${run.engine}] /coach one at a time during that run ≤ 1.5× idle`,
        met: Number(l.coachRatio) <= 1.5,
        value: `${String(l.coachBusyP50)} ms vs ${String(l.coachIdleP50)} ms idle (×${String(l.coachRatio)})`,
      },
    );
  }
  for (const run of engineRuns) {
    const m = run.mail;
    targets.push(
      {
        target: `[${run.engine}] outbox → local SMTP catcher ≥ 50 mails/s, 0 duplicates, 0 lost`,
        met: m.send.perSecond >= 50 && m.send.duplicates === 0 && m.send.lost === 0,
        value: `${m.send.perSecond}/s (${m.send.sent} mails in ${m.send.ms} ms), ${m.send.duplicates} duplicates, ${m.send.lost} lost`,
      },
      {
        target: `[${run.engine}] coach digest for ${m.digest.athletes} athletes and ${m.digest.coaches} coaches < 5 s (issue: 5,000 and 50)`,
        met: m.digest.ms < 5_000,
        value: `${m.digest.ms} ms, ${m.digest.mails} digests mailed`,
      },
    );
    const w = run.webhooks;
    if (w)
      targets.push({
        target: `[${run.engine}] webhooks → local receiver failing 30 % ≥ 200 events/s, 0 duplicates, 0 lost, every signature valid`,
        met: w.perSecond >= 200 && w.duplicates === 0 && w.lost === 0 && w.badSignatures === 0,
        value: `${w.perSecond}/s (${w.events} events, ${w.requests} requests in ${w.deliverMs} ms), ${w.duplicates} duplicates, ${w.lost} lost, ${w.badSignatures} bad signatures`,
      });
  }
  if (sqliteRun && postgresRun) {
    const worst = postgresRun.scenarios
      .map((p) => ({ name: p.name, ratio: round(p.serialP50 / (sqliteRun.scenarios.find((s) => s.name === p.name)?.serialP50 ?? NaN), 2) }))
      .filter((r) => !r.name.startsWith("floor"))
      .sort((a, b) => b.ratio - a.ratio);
    targets.push({
      target: "every page's one-at-a-time p50 on PostgreSQL ≤ 1.5× SQLite's",
      met: worst.every((r) => r.ratio <= 1.5),
      value: worst
        .slice(0, 3)
        .map((r) => `${r.name} ×${r.ratio}`)
        .join(", "),
    });
  }
  targets.push(
    {
      target: "first-load JS < 200 KB compressed",
      met: weights.every((w) => w.jsCompressedKb < 200),
      value: weights.map((w) => `${w.jsCompressedKb} KB`).join(", "),
    },
    { target: "server peak RSS < 400 MB", met: peakKb / 1024 < 400, value: `${round(peakKb / 1024)} MB` },
  );

  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    /** 1-minute load average at the start and the end: other work on the machine skews every figure. */
    loadAverage: { start: loadAtStart, end: round(os.loadavg()[0]!, 2) },
  };
  const report = {
    startedAt: startedAt.toISOString(),
    totalSeconds: round((Date.now() - t0) / 1000),
    machine,
    options,
    engines: engineRuns.map((r) => ({
      engine: r.engine,
      seed: r.seed,
      scenarios: r.scenarios,
      refresh: r.refresh,
      latency: r.latency,
      mail: r.mail,
      webhooks: r.webhooks,
      peakRssMb: round(r.peakKb / 1024),
    })),
    pageWeight: weights,
    peakRssMb: round(peakKb / 1024),
    targets,
  };
  writeFileSync(options.out, JSON.stringify(report, null, 2) + "\n");

  const scenarioName = (r: ScenarioResult) =>
    `${r.name}${r.path === "/api/health" ? "" : ` (${r.path})`}`.replace(/^floor: GET \/api\/health$/, "floor (/api/health)");
  const text = [
    "",
    `TrainLink benchmark, ${startedAt.toISOString()}: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    `load average (1 min) ${machine.loadAverage.start} at start, ${machine.loadAverage.end} at end (2 cores: above ~1 other work competes)`,
    ...engineRuns.map(
      (r) =>
        `${r.engine}: ${options.athletes} athletes, ${r.seed.connections} connections, ${r.seed.events} events (seeded in ${(r.seed.ms / 1000).toFixed(1)} s); autocannon ${options.connections} connections × ${options.durationS} s per scenario`,
    ),
    ...(sqliteRun && postgresRun
      ? [
          "",
          table(
            [
              "scenario",
              "SQLite 1 at a time p50 ms",
              "PostgreSQL 1 at a time p50 ms",
              "PostgreSQL ÷ SQLite",
              "SQLite p50 ms (load)",
              "PostgreSQL p50 ms (load)",
              "SQLite req/s",
              "PostgreSQL req/s",
            ],
            sqliteRun.scenarios.map((s) => {
              const p = postgresRun.scenarios.find((x) => x.name === s.name)!;
              return [scenarioName(s), s.serialP50, p.serialP50, round(p.serialP50 / s.serialP50, 2), s.p50, p.p50, s.rps, p.rps];
            }),
          ),
        ]
      : []),
    ...engineRuns.flatMap((run) => [
      "",
      `${run.engine}:`,
      table(
        ["scenario", "p50 ms", "p95 ms", "p99 ms", "req/s", "× floor p50", "1 at a time p50 ms", "× floor", "KB/response", "peak RSS MB"],
        run.scenarios.map((r) => [
          scenarioName(r),
          r.p50,
          r.p95,
          r.p99,
          r.rps,
          r.ratioToFloor,
          r.serialP50,
          r.serialRatioToFloor,
          round(r.bytesPerResponse / 1024),
          r.peakRssMb,
        ]),
      ),
    ]),
    "",
    table(
      ["refresh", "instances", "concurrency", "connections", "seconds", "refreshes/s", "per instance", "duplicates", "lost"],
      engineRuns.flatMap((run) =>
        run.refresh.runs.map((r) => [
          run.engine,
          Number(r.instances),
          String(r.concurrency),
          Number(r.connections),
          round(Number(r.ms) / 1000, 2),
          Number(r.perSecond),
          (r.perInstance as number[]).join(" + "),
          Number(r.duplicates),
          Number(r.lost),
        ]),
      ),
    ),
    ...engineRuns
      .filter((run) => run.latency)
      .flatMap((run) => {
        const l = run.latency!;
        return [
          "",
          table(
            [
              "latency line",
              "service latency ms",
              "instances × in flight",
              "connections",
              "seconds",
              "refreshes/s",
              "duplicates",
              "lost",
              "/coach idle p50 ms",
              "/coach during p50 ms",
            ],
            [
              [
                run.engine,
                Number(l.latencyMs),
                `2 × ${String(l.concurrency)}`,
                Number(l.connections),
                round(Number(l.ms) / 1000, 2),
                Number(l.perSecond),
                Number(l.duplicates),
                Number(l.lost),
                Number(l.coachIdleP50),
                Number(l.coachBusyP50),
              ],
            ],
          ),
        ];
      }),
    "",
    table(
      [
        "mail",
        "alert episodes opened",
        "first alert check ms",
        "steady alert check ms",
        "digest: coaches / athletes",
        "digest ms",
        "mails sent",
        "mails/s",
        "duplicates",
        "lost",
      ],
      engineRuns.map((run) => {
        const m = run.mail;
        return [
          run.engine,
          m.alerts.opened,
          m.alerts.ms,
          m.alerts.steadyCheckMs,
          `${m.digest.coaches} / ${m.digest.athletes}`,
          m.digest.ms,
          m.send.sent,
          m.send.perSecond,
          m.send.duplicates,
          m.send.lost,
        ];
      }),
    ),
    ...(engineRuns.some((run) => run.webhooks)
      ? [
          "",
          table(
            ["webhooks", "events", "enqueue ms", "deliver ms", "events/s", "requests", "failed requests", "duplicates", "lost"],
            engineRuns
              .filter((run) => run.webhooks)
              .map((run) => {
                const w = run.webhooks!;
                return [run.engine, w.events, w.enqueueMs, w.deliverMs, w.perSecond, w.requests, w.failedRequests, w.duplicates, w.lost];
              }),
          ),
        ]
      : []),
    "",
    table(
      ["first load", "scripts", "JS KB (compressed)", "JS KB (uncompressed)"],
      weights.map((w) => [w.page, w.scripts, w.jsCompressedKb, w.jsUncompressedKb]),
    ),
    "",
    `server peak RSS: ${round(peakKb / 1024)} MB`,
    "",
    table(
      ["target", "met", "value"],
      targets.map((t) => [t.target, t.met === null ? "n/a" : t.met ? "yes" : "NO", t.value]),
    ),
    "",
    `results: ${options.out}; total ${round((Date.now() - t0) / 1000)} s`,
  ].join("\n");
  console.log(text);

  const broken = engineRuns.some(
    (run) =>
      run.scenarios.some((r) => r.non2xx > 0 || r.errors > 0) ||
      (run.latency !== null && (run.latency.duplicates !== 0 || run.latency.lost !== 0 || run.latency.missing !== 0)) ||
      run.refresh.runs.some((r) => r.duplicates !== 0 || r.lost !== 0 || r.missing !== 0 || r.failed !== 0) ||
      run.mail.send.duplicates !== 0 ||
      run.mail.send.lost !== 0 ||
      (run.webhooks !== null && (run.webhooks.duplicates !== 0 || run.webhooks.lost !== 0 || run.webhooks.badSignatures !== 0)),
  );
  if (broken) {
    console.error(
      "[bench] FAILED: non-2xx answers, errors, duplicate refreshes, lost tokens, duplicated or lost mail, or duplicated, lost or badly signed webhooks (see above)",
    );
    process.exitCode = 1;
  }
}

main()
  .catch((error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => {
    void stopAll();
    setTimeout(() => process.exit(), 300).unref();
  });
