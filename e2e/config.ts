import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/**
 * Ports and databases of the e2e run, separate from the demo's (3000/4010, data/app.db) so both can run at once.
 *
 * Each Playwright worker has its own app server, sandbox and database ("pair" i = the worker's
 * TEST_PARALLEL_INDEX): app on 3100+i, sandbox on 4110+i, mail catcher on 2530+i (SMTP) and 1180+i (inbox), database data/e2e/<i>/app.db (SQLite) or
 * trainlink_e2e_<i> (PostgreSQL, E2E_DATABASE=postgres). Tests that switch a sandbox service into a failure mode
 * therefore never disturb a test running in another worker.
 */

/** Workers (and so server pairs): E2E_WORKERS, else one per core, at most 4. */
export const E2E_WORKERS = Math.max(1, Number(process.env.E2E_WORKERS) || Math.min(4, availableParallelism()));

export const E2E_DIR = "data/e2e";

/**
 * The database engine of the run: `postgres` when E2E_DATABASE=postgres (every e2e app then runs on its own
 * PostgreSQL database, see scripts/e2e-server.ts), else `sqlite` (one file per app under data/e2e/).
 */
export const E2E_ENGINE: "sqlite" | "postgres" = process.env.E2E_DATABASE === "postgres" ? "postgres" : "sqlite";

/** PostgreSQL: every e2e database is named this prefix + its name (e.g. trainlink_e2e_0); the fixtures touch no other. */
export const POSTGRES_DB_PREFIX = "trainlink_e2e_";

/**
 * PostgreSQL: where scripts/e2e-server.ts writes the admin URL of the throwaway server it started, for the
 * Playwright workers (the runner starts them, not that script, so they do not inherit its environment).
 */
export const POSTGRES_URL_FILE = `${E2E_DIR}/postgres-url`;

/**
 * PostgreSQL: the admin URL of the run's server (`postgres://user@host:port/db`): E2E_POSTGRES_URL, else the one
 * scripts/e2e-server.ts wrote to POSTGRES_URL_FILE. Throws when neither exists (the servers are not up).
 */
export function postgresAdminUrl(): string {
  const fromEnv = process.env.E2E_POSTGRES_URL;
  if (fromEnv) return fromEnv;
  if (existsSync(POSTGRES_URL_FILE)) return readFileSync(POSTGRES_URL_FILE, "utf8").trim();
  throw new Error(`E2E_DATABASE=postgres, but neither E2E_POSTGRES_URL nor ${POSTGRES_URL_FILE} (written by scripts/e2e-server.ts) is there`);
}

/**
 * The address of the e2e database `name` for this run's engine, as the app's DATABASE_URL and the fixtures'
 * openTestDb take it: SQLite → the file `sqliteFile` (a path under data/e2e/); PostgreSQL → the URL of the
 * database POSTGRES_DB_PREFIX + `name` on the run's server (postgresAdminUrl with another database).
 * `name`: lower-case letters, digits and `_`.
 */
export function databaseAddress(name: string, sqliteFile: string): string {
  if (E2E_ENGINE === "sqlite") return sqliteFile;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Not an e2e database name: ${name}`);
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${POSTGRES_DB_PREFIX}${name}`;
  return url.toString();
}

/** The ports, URLs and files of pair `index`; `db` is its database's address (databaseAddress), read when used. */
export function pair(index: number) {
  const appPort = 3100 + index;
  const sandboxPort = 4110 + index;
  const smtpPort = 2530 + index;
  const inboxPort = 1180 + index;
  const dir = `${E2E_DIR}/${index}`;
  return {
    index,
    appPort,
    sandboxPort,
    appUrl: `http://localhost:${appPort}`,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    /** The pair's mail catcher (maildev, scripts/mail-catcher.ts): the app's SMTP server and the inbox the tests read. */
    smtpPort,
    inboxPort,
    inboxUrl: `http://127.0.0.1:${inboxPort}`,
    dir,
    /** The pair's database: data/e2e/<i>/app.db, or postgres://…/trainlink_e2e_<i>. */
    get db(): string {
      return databaseAddress(String(index), `${dir}/app.db`);
    },
    serverLog: `${dir}/server.log`,
  };
}

/**
 * The conformance run's servers (e2e/conformance.spec.ts): one more app on 3190 whose TrainerDay and enduco are
 * oidc-provider instances (e2e/conformance/oidc-services.ts) on 4210 and 4211 (not 4190: a port fetch refuses),
 * database data/e2e/conformance/app.db or trainlink_e2e_conformance.
 */
export const CONFORMANCE = {
  appPort: 3190,
  appUrl: "http://localhost:3190",
  trainerdayPort: 4210,
  enducoPort: 4211,
  dir: `${E2E_DIR}/conformance`,
  get db(): string {
    return databaseAddress("conformance", `${E2E_DIR}/conformance/app.db`);
  },
  serverLog: `${E2E_DIR}/conformance/server.log`,
  /** The clients the oidc-provider instances know (our app's credentials there); enduco's secret holds `/+=`. */
  clients: {
    trainerday: { clientId: "conformance-trainerday", clientSecret: "conformance-trainerday-secret" },
    enduco: { clientId: "conformance-enduco", clientSecret: "conformance/enduco+secret==" },
  },
} as const;

/**
 * Databases of tests that start an app of their own (beside the pairs): the HTTPS app of e2e/security.spec.ts and
 * the refused start-ups of e2e/startup.spec.ts. Functions, since a PostgreSQL address is known only once the
 * servers run. scripts/e2e-server.ts creates them (empty: the app migrates on start).
 */
export const SPARE_DATABASES = {
  https: () => databaseAddress("https", `${E2E_DIR}/https.db`),
  startup: () => databaseAddress("startup", `${E2E_DIR}/startup.db`),
} as const;

/** The bearer token of /api/metrics on every e2e app (scripts/e2e-server.ts sets METRICS_TOKEN to it; e2e/metrics.spec.ts scrapes). */
export const METRICS_TOKEN = "e2e-metrics-token-not-a-secret-0123456789";

/** Every pair of the run (the canary scan reads them all). */
export const PAIRS = Array.from({ length: E2E_WORKERS }, (_, i) => pair(i));

/**
 * The names (databaseAddress) of every database of the run, which scripts/e2e-server.ts (re)creates on
 * PostgreSQL: the pairs', the conformance app's and the spare ones.
 */
export const DATABASE_NAMES = [...PAIRS.map((p) => String(p.index)), "conformance", ...Object.keys(SPARE_DATABASES)];

/** This worker's pair (pair 0 outside a worker); `OWN_PAIR.db` is this worker's database, the fixtures' default. */
export const OWN_PAIR = pair(Number(process.env.TEST_PARALLEL_INDEX ?? 0));
export const APP_PORT = OWN_PAIR.appPort;
export const SANDBOX_PORT = OWN_PAIR.sandboxPort;
export const APP_URL = OWN_PAIR.appUrl;
export const SANDBOX_URL = OWN_PAIR.sandboxUrl;
export const SERVER_LOG = OWN_PAIR.serverLog;
