import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test, type Browser } from "@playwright/test";
import pg from "pg";
import { nextStartCommand, SERVER_ENV } from "../scripts/next-start";
import { startThrowawayPostgres } from "../scripts/postgres";
import { sandboxServiceEnv } from "../scripts/sandbox-env";
import { E2E_DIR, E2E_ENGINE, postgresAdminUrl, POSTGRES_DB_PREFIX, SANDBOX_URL } from "./config";
import { signIn } from "./fixtures/auth";
import { linkInSandbox } from "./fixtures/connections";
import { createUser, toMs, withTestDb } from "./fixtures/db";
import { sandboxUsername } from "./fixtures/sandbox";

// Issue 17, "Graceful shutdown" and "Readiness": a `next start` of its own (own port, own database, own keys,
// this worker's sandbox) is sent SIGTERM in the middle of a refresh burst; another loses and regains its database.

/** The graceful-shutdown budget the separate server gets (SHUTDOWN_TIMEOUT_MS), in milliseconds. */
const BUDGET_MS = 8_000;

interface App {
  url: string;
  output: () => string;
  /** Sends `signal`; resolves to the exit code and the milliseconds from the signal to the exit. */
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; ms: number }>;
}

/** Starts `next start` on `port` with database `databaseUrl`, this worker's sandbox and `env`; resolves once /api/ready answers 200. */
async function startApp(port: number, databaseUrl: string, env: Record<string, string>): Promise<App> {
  const url = `http://localhost:${port}`;
  const child = spawn(...nextStartCommand(port), {
    env: {
      ...process.env,
      ...sandboxServiceEnv(SANDBOX_URL, url),
      ...SERVER_ENV,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      NEXTAUTH_URL: url,
      DATABASE_URL: databaseUrl,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await expect.poll(async () => (await fetch(`${url}/api/ready`).catch(() => null))?.status ?? 0, { timeout: 60_000, intervals: [500] }).toBe(200);
  return {
    url,
    output: () => output,
    async stop(signal = "SIGTERM") {
      const at = Date.now();
      child.kill(signal);
      const code = await exited;
      return { code, ms: Date.now() - at };
    },
  };
}

/** A fresh, empty database for a separate server: an SQLite file under data/e2e/, or trainlink_e2e_ops_… on the run's PostgreSQL. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ops_${randomBytes(4).toString("hex")}`;
  if (E2E_ENGINE === "sqlite") return { url: `${E2E_DIR}/${name}.db`, drop: async () => {} };
  const admin = postgresAdminUrl();
  const full = `${POSTGRES_DB_PREFIX}${name}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${full}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${full}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [full]);
      await c.query(`DROP DATABASE IF EXISTS "${full}"`);
      await c.end();
    },
  };
}

/** Every sandbox service call waits `ms` milliseconds (this worker's sandbox). */
async function sandboxLatency(ms: number) {
  const res = await fetch(`${SANDBOX_URL}/__sandbox/latency`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ms }),
  });
  expect(res.status).toBe(200);
}

/** `athletes` athletes of the app at `appUrl` (database `db`), each linking TrainerDay and enduco through the sandbox's consent page. */
async function linkAthletes(browser: Browser, appUrl: string, db: string, athletes: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < athletes; i++) {
    const athlete = await createUser("athlete", `ops-${i}`, db);
    const context = await browser.newContext({ baseURL: appUrl });
    const page = await context.newPage();
    await signIn(page, athlete.email, athlete.password);
    await page.goto("/connections");
    await linkInSandbox(page, "TrainerDay", sandboxUsername(`ops-td-${i}`));
    await linkInSandbox(page, "enduco", sandboxUsername(`ops-en-${i}`));
    await context.close();
    ids.push(athlete.id);
  }
  return ids;
}

type Row = {
  id: string;
  state: string;
  refresh_token: string | null;
  access_token: string | null;
  failure_count: number;
  last_refreshed_at: unknown;
  refresh_lease_owner: string | null;
};

async function rows(db: string, userIds: string[]): Promise<Row[]> {
  return withTestDb(
    (t) =>
      t.all<Row>(
        `SELECT id, state, refresh_token, access_token, failure_count, last_refreshed_at, refresh_lease_owner FROM accounts WHERE user_id IN (${userIds.map(() => "?").join(",")})`,
        userIds,
      ),
    db,
  );
}

async function makeDue(db: string, userIds: string[]) {
  await withTestDb(
    (t) =>
      t.run(`UPDATE accounts SET expires_at = ? WHERE user_id IN (${userIds.map(() => "?").join(",")})`, [
        Math.floor(Date.now() / 1000) - 10,
        ...userIds,
      ]),
    db,
  );
}

const refreshedSince = (all: Row[], sinceMs: number) => all.filter((r) => (toMs(r.last_refreshed_at) ?? 0) >= sinceMs);

test("SIGTERM in the middle of a refresh burst: the server exits within its budget, no lease is left held, no token is lost", async ({ browser }) => {
  test.setTimeout(240_000);
  const database = await freshDatabase();
  const keys = { NEXTAUTH_SECRET: randomBytes(32).toString("base64"), TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  const env = {
    ...keys,
    REFRESHER_INTERVAL_MS: "500",
    REFRESHER_CONCURRENCY: "4",
    OUTBOUND_TIMEOUT_MS: "10000",
    SHUTDOWN_TIMEOUT_MS: String(BUDGET_MS),
  };
  try {
    const first = await startApp(3196, database.url, env);
    const athletes = await linkAthletes(browser, first.url, database.url, 6); // 12 connections
    const stats = async () =>
      ((await (await fetch(`${SANDBOX_URL}/__sandbox/stats`)).json()) as { refreshReuse: Record<string, number> }).refreshReuse;
    const reuseBefore = await stats();

    await sandboxLatency(1_500);
    const burstAt = Date.now();
    await makeDue(database.url, athletes);
    await expect
      .poll(async () => refreshedSince(await rows(database.url, athletes), burstAt).length, { timeout: 60_000, intervals: [200] })
      .toBeGreaterThanOrEqual(4);
    const beforeSignal = refreshedSince(await rows(database.url, athletes), burstAt);
    const { code, ms } = await first.stop("SIGTERM");
    await sandboxLatency(0);

    expect(code, first.output()).toBe(0);
    expect(ms).toBeLessThanOrEqual(BUDGET_MS + 1_000);
    expect(first.output()).toMatch(/SIGTERM received/);
    const after = await rows(database.url, athletes);
    expect(after.filter((r) => r.refresh_lease_owner !== null)).toEqual([]);
    expect(refreshedSince(after, burstAt).length, "the signal came mid-burst").toBeLessThan(after.length);
    for (const row of after) {
      expect(row.state).toBe("connected");
      expect(row.failure_count).toBe(0);
    }
    for (const earlier of beforeSignal) {
      const now = after.find((r) => r.id === earlier.id)!;
      expect(now.refresh_token, "a refresh stored before the signal is kept").toBe(earlier.refresh_token);
      expect(now.access_token).toBe(earlier.access_token);
    }

    // A new instance on the same database refreshes every connection with the refresh token stored: none was
    // spent by a refresh whose answer the first server dropped (TrainerDay rotates: that would be invalid_grant).
    const second = await startApp(3196, database.url, env);
    const takeoverAt = Date.now();
    await makeDue(database.url, athletes);
    await expect
      .poll(async () => refreshedSince(await rows(database.url, athletes), takeoverAt).length, { timeout: 60_000, intervals: [500] })
      .toBe(after.length);
    for (const row of await rows(database.url, athletes)) {
      expect(row.state).toBe("connected");
      expect(row.failure_count).toBe(0);
    }
    expect(await stats(), "no refresh token was spent twice").toEqual(reuseBefore);
    expect((await second.stop("SIGTERM")).code, second.output()).toBe(0);
  } finally {
    await sandboxLatency(0);
    await database.drop();
  }
});

test("/api/ready fails with the database and recovers with it; the process stays up (/api/health answers throughout)", async () => {
  // On SQLite a running server cannot lose its database: its connection is open and `SELECT 1` touches no file;
  // a second connection cannot take the file's EXCLUSIVE lock while the server holds WAL's shared one (checked).
  test.skip(E2E_ENGINE === "sqlite", "a database outage exists only on PostgreSQL (see the comment above)");
  test.setTimeout(180_000);
  const cluster = await startThrowawayPostgres();
  let app: App | undefined;
  try {
    app = await startApp(3195, cluster.url, {
      NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      REFRESHER_ENABLED: "false",
    });
    const ready = async () => {
      const res = await fetch(`${app!.url}/api/ready`);
      return { status: res.status, failing: ((await res.json()) as { failing?: string }).failing ?? null };
    };
    const health = async () => (await fetch(`${app!.url}/api/health`)).status;
    expect(await health()).toBe(200);

    cluster.pause();
    await expect.poll(ready, { timeout: 20_000, intervals: [500] }).toEqual({ status: 503, failing: "database" });
    // Liveness: the process answers while its database is gone (database.ok false in the body).
    expect(await health()).toBe(200);

    cluster.resume();
    await expect.poll(ready, { timeout: 30_000, intervals: [500] }).toEqual({ status: 200, failing: null });
    expect(await health()).toBe(200);
    expect((await app.stop("SIGTERM")).code, app.output()).toBe(0);
    app = undefined;
  } finally {
    if (app) await app.stop("SIGKILL");
    cluster.stop();
  }
});
