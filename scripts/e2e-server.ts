/**
 * The servers of the e2e run (started once by playwright.config.ts): a production build (skipped with
 * E2E_SKIP_BUILD=1 when one exists), then for every worker's pair (e2e/config.ts) a fresh database,
 * migrations, demo users, the sandbox, a mail catcher (maildev: the app's SMTP server, read by the tests) and `next start`, all pairs at once. Each server's stdout and
 * stderr go to data/e2e/<i>/server.log (and sandbox.log) for the tests to inspect. Prints "e2e servers ready"
 * when every pair is ready (the app's /api/ready and the sandbox's health answer 2xx: scripts/processes.ts); if any
 * server stops early it prints the end of its log, stops the others and exits 1. Beside the pairs:
 * the conformance app (CONFORMANCE), whose TrainerDay and enduco are oidc-provider instances.
 *
 * The databases: SQLite files under data/e2e/ (removed with the folder at the start), or with
 * E2E_DATABASE=postgres one PostgreSQL database per app, trainlink_e2e_<name> (e2e/config.ts DATABASE_NAMES),
 * dropped and created afresh on the server at E2E_POSTGRES_URL (an admin URL), else on a throwaway server this
 * script starts (scripts/postgres.ts) and stops when it exits; its URL goes to data/e2e/postgres-url for the
 * test workers.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { CONFORMANCE, DATABASE_NAMES, E2E_DIR, E2E_ENGINE, METRICS_TOKEN, PAIRS, POSTGRES_DB_PREFIX, POSTGRES_URL_FILE } from "../e2e/config";
import { startMailCatcher, type MailCatcher } from "./mail-catcher";
import { nextStartCommand, SERVER_ENV } from "./next-start";
import { startThrowawayPostgres, type ThrowawayPostgres } from "./postgres";
import { runProcess, startProcess, waitUntilReady, type StartedProcess } from "./processes";
import { sandboxServiceEnv } from "./sandbox-env";

const root = process.cwd();
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const children: StartedProcess[] = [];
let stopping = false;
let postgres: ThrowawayPostgres | undefined;
const catchers: MailCatcher[] = [];

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return runProcess(args.join(" "), command, args, { env });
}

/** Stops every server (SIGTERM; SIGKILL after 15 s), then exits with `code`. */
function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  void Promise.allSettled([...children.map((child) => child.stop()), ...catchers.map((catcher) => catcher.stop())]).then(() => process.exit(code)); // the "exit" handler stops a throwaway PostgreSQL
}

/** Starts a long-running server whose stdout and stderr go to `logFile`; the whole run stops if it exits early. */
function startServer(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): void {
  const child = startProcess(name, command, args, { env, output: logFile, stopTimeoutMs: 15_000 });
  children.push(child);
  void child.exited.then(({ code, signal }) => {
    if (stopping) return;
    const tail = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n") : "";
    console.error(`e2e: ${name} stopped early (${signal ?? `exit ${code}`}). End of ${logFile}:\n${tail}`);
    stopAll(1);
  });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stopAll(0));
process.on("exit", () => postgres?.stop());

/**
 * PostgreSQL (E2E_DATABASE=postgres): the server at E2E_POSTGRES_URL, else a throwaway one (its URL then goes to
 * process.env for the servers started here and to POSTGRES_URL_FILE for the test workers); then every e2e
 * database dropped (its connections ended first) and created empty.
 */
async function preparePostgres(): Promise<void> {
  let admin = process.env.E2E_POSTGRES_URL;
  if (!admin) {
    postgres = await startThrowawayPostgres();
    admin = postgres.url;
    process.env.E2E_POSTGRES_URL = admin;
    mkdirSync(E2E_DIR, { recursive: true });
    writeFileSync(POSTGRES_URL_FILE, `${admin}\n`);
  }
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    for (const name of DATABASE_NAMES.map((n) => `${POSTGRES_DB_PREFIX}${n}`)) {
      await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
      await client.query(`DROP DATABASE IF EXISTS "${name}"`);
      await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
  console.log(`e2e: PostgreSQL databases ${POSTGRES_DB_PREFIX}{${DATABASE_NAMES.join(",")}} created on ${new URL(admin).host}`);
}

rmSync(E2E_DIR, { recursive: true, force: true });
if (E2E_ENGINE === "postgres") await preparePostgres();
if (process.env.E2E_SKIP_BUILD !== "1" || !existsSync(join(root, ".next", "BUILD_ID"))) {
  await run(bin("next"), ["build"]);
}

/** The conformance app: pair 0's sandbox for FitRankings and ExorLive, oidc-provider for TrainerDay and enduco. */
async function startConformance(): Promise<void> {
  const c = CONFORMANCE;
  mkdirSync(c.dir, { recursive: true });
  const env = {
    ...process.env,
    ...sandboxServiceEnv(PAIRS[0]!.sandboxUrl, c.appUrl),
    PORT: String(c.appPort),
    DATABASE_URL: c.db,
    NEXTAUTH_URL: c.appUrl,
    TRAINERDAY_BASE_URL: `http://127.0.0.1:${c.trainerdayPort}`,
    TRAINERDAY_CLIENT_ID: c.clients.trainerday.clientId,
    TRAINERDAY_CLIENT_SECRET: c.clients.trainerday.clientSecret,
    ENDUCO_BASE_URL: `http://127.0.0.1:${c.enducoPort}`,
    ENDUCO_CLIENT_ID: c.clients.enduco.clientId,
    ENDUCO_CLIENT_SECRET: c.clients.enduco.clientSecret,
  };
  await run(bin("tsx"), ["--conditions=react-server", "scripts/migrate.ts"], env);
  await run(bin("tsx"), ["--conditions=react-server", "scripts/seed.ts"], env);
  startServer("oidc-provider", bin("tsx"), ["e2e/conformance/oidc-services.ts"], env, join(c.dir, "oidc-provider.log"));
  startServer("conformance app", ...nextStartCommand(c.appPort), { ...env, ...SERVER_ENV }, c.serverLog);
  await waitUntilReady(`http://127.0.0.1:${c.enducoPort}/__conformance/tokens`, { timeoutMs: 60_000 });
  await waitUntilReady(`${c.appUrl}/api/ready`, { timeoutMs: 120_000 });
}

const started = await Promise.all([
  startConformance(),
  ...PAIRS.map(async (p) => {
    mkdirSync(p.dir, { recursive: true });
    const catcher = await startMailCatcher({
      smtpPort: p.smtpPort,
      webPort: p.inboxPort,
      dir: join(p.dir, "mail"),
      onExit: (code) => {
        if (stopping) return;
        console.error(`e2e: mail catcher ${p.index} stopped early (exit ${code}); see ${join(p.dir, "mail", "maildev.log")}`);
        stopAll(1);
      },
    });
    catchers.push(catcher);
    const env = {
      ...process.env,
      ...sandboxServiceEnv(p.sandboxUrl, p.appUrl),
      SMTP_URL: catcher.smtpUrl,
      MAIL_WORKER_INTERVAL_MS: "500",
      ALERT_CHECK_INTERVAL_MS: "500",
      DIGEST_INTERVAL_SECONDS: "5",
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
      METRICS_TOKEN,
      PORT: String(p.appPort),
      SANDBOX_PORT: String(p.sandboxPort),
      DATABASE_URL: p.db,
      NEXTAUTH_URL: p.appUrl,
    };
    await run(bin("tsx"), ["--conditions=react-server", "scripts/migrate.ts"], env);
    await run(bin("tsx"), ["--conditions=react-server", "scripts/seed.ts"], env);
    startServer(`sandbox ${p.index}`, bin("tsx"), ["sandbox/server.ts"], env, join(p.dir, "sandbox.log"));
    startServer(`app ${p.index}`, ...nextStartCommand(p.appPort), { ...env, ...SERVER_ENV }, p.serverLog);
    await waitUntilReady(`${p.sandboxUrl}/__sandbox/health`, { timeoutMs: 60_000 });
    await waitUntilReady(`${p.appUrl}/api/ready`, { timeoutMs: 120_000 });
  }),
]).then(
  () => true,
  (error: Error) => {
    console.error(`e2e: ${error.message}`);
    stopAll(1);
    return false;
  },
);

// Not when a server stopped early (stopAll is already under way) or a start failed: Playwright waits for this line.
if (started && !stopping) {
  console.log(`e2e servers ready: ${PAIRS.map((p) => `${p.appUrl} + ${p.sandboxUrl} + mail ${p.inboxUrl}`).join(", ")}`);
}
