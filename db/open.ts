import Database from "better-sqlite3";
import { drizzle as drizzleSqliteSync } from "drizzle-orm/better-sqlite3";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { SQLWrapper } from "drizzle-orm";
import type { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { drizzle as drizzleSqliteProxy } from "drizzle-orm/sqlite-proxy";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import pg from "pg";
import { log } from "@/lib/log";
import { dialectOf, redactUrl, sqlitePath, type Dialect } from "./dialect";
import { SqliteQueue } from "./sqlite-queue";

/**
 * The app's database handle, one code path for both engines (docs/database.md). Typed as drizzle's PostgreSQL
 * database: every query is awaited (there is no synchronous `.get()`/`.all()`/`.run()`), a write's result
 * carries `rowCount`, `transaction(async (tx) => …)` is a real transaction on both engines. On SQLite the
 * same calls run on better-sqlite3 through drizzle's sqlite-proxy driver and the per-process SqliteQueue.
 */
export type AppDatabase = NodePgDatabase & {
  /** Which engine this is ("sqlite" or "postgres"; drizzle's own `dialect` property is its SQL generator). */
  readonly engine: Dialect;
  /** Closes the connection (SQLite) or ends the pool (PostgreSQL). */
  close(): Promise<void>;
};

/** The handle given to a `transaction` body. */
export type Transaction = Parameters<Parameters<AppDatabase["transaction"]>[0]>[0];

/** Anything queries can run on: the database itself or an open transaction. */
export type Executor = Pick<AppDatabase, "select" | "insert" | "update" | "delete" | "execute">;

/** The database server could not be reached or refused us; the message names the host, never the password. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

// node-postgres returns int8 (count(*), bigint columns) and numeric as strings; every such value here is a count
// or an id far below 2^53, so they are parsed as numbers (process-wide: this module is the only pg user).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** How many statements an SQLite connection keeps prepared (by SQL text). */
const STATEMENT_CACHE = 500;

/**
 * Opens the SQLite file at `path` (creating its folder) with the pragmas docs/SECURITY.md row 16 asks for (WAL
 * journal, foreign keys enforced, 5000 ms busy timeout) behind the AppDatabase interface. A write answers
 * `{ rowCount, rows: [] }`; every statement and transaction goes through one SqliteQueue.
 */
function openSqlite(path: string): AppDatabase {
  mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path);
  client.pragma("journal_mode = WAL");
  client.pragma("foreign_keys = ON");
  client.pragma("busy_timeout = 5000");
  client.pragma("synchronous = NORMAL");
  const queue = new SqliteQueue();
  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = client.prepare(text);
      if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
      statements.set(text, statement);
    }
    return statement;
  };
  const execute = (text: string, params: unknown[], method: "run" | "all" | "values" | "get"): { rows: unknown[]; rowCount?: number } => {
    const statement = prepare(text);
    if (method === "run" || !statement.reader) {
      const { changes } = statement.run(...params);
      return { rows: [], rowCount: changes };
    }
    const raw = statement.raw(true); // arrays of values, as drizzle's sqlite-proxy expects
    // drizzle's sqlite-proxy wants one row (an array of values) for "get" and a list of rows otherwise.
    return { rows: (method === "get" ? raw.get(...params) : raw.all(...params)) as unknown[] };
  };
  const proxy = drizzleSqliteProxy((text, params: unknown[], method) => queue.statement(() => execute(text, params, method)));
  const database = Object.create(proxy) as Record<string, unknown>;
  database.engine = "sqlite";
  database.$client = client;
  database.close = async () => {
    await queue.exclusive(async () => undefined);
    client.close();
  };
  // Raw SQL (`db.execute(sql\`…\`)`): rows as objects and a rowCount, as node-postgres answers.
  database.execute = (query: SQLWrapper) => {
    const { sql: text, params } = (proxy as unknown as { dialect: SQLiteAsyncDialect }).dialect.sqlToQuery(query.getSQL());
    return queue.statement(() => {
      const statement = prepare(text);
      if (!statement.reader) return { rows: [], rowCount: statement.run(...params).changes };
      const rows = statement.raw(false).all(...params);
      return { rows, rowCount: rows.length };
    });
  };
  // BEGIN IMMEDIATE takes SQLite's write lock at once (no upgrade deadlock with another process); the queue keeps
  // this process's other statements out of the transaction until it settles. The body's handle also answers
  // `execute` (raw SQL, inside the transaction: the queue lets statements of the body's own context through).
  database.transaction = (body: (tx: unknown) => Promise<unknown>) =>
    queue.exclusive(() =>
      proxy.transaction((tx) => body(Object.assign(Object.create(tx) as object, { execute: database.execute })), { behavior: "immediate" }),
    );
  return database as unknown as AppDatabase;
}

/**
 * Opens a node-postgres pool on `url` (connections made on first use). Pool errors of idle clients (the server
 * restarted) are logged without the URL's password and the pool reconnects on the next query.
 */
function openPostgres(url: string, poolSize: number): AppDatabase {
  // allowExitOnIdle: idle connections never keep a finished script or test process alive.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
  });
  pool.on("error", (error) => log.error({ component: "db", database: redactUrl(url), detail: error.message }, "idle PostgreSQL connection failed"));
  const database = drizzlePg({ client: pool }) as unknown as Record<string, unknown>;
  database.engine = "postgres";
  database.close = () => pool.end();
  return database as unknown as AppDatabase;
}

/**
 * Opens the database `url` names (db/dialect.ts): `postgres://…` → a PostgreSQL pool of `options.poolSize`
 * connections (default 10; the app passes DATABASE_POOL_SIZE), else an SQLite file.
 * Opening does not connect (PostgreSQL connects on the first query).
 */
export function openDatabase(url: string, options: { poolSize?: number } = {}): AppDatabase {
  return dialectOf(url) === "postgres" ? openPostgres(url, options.poolSize ?? 10) : openSqlite(sqlitePath(url));
}

/** An arbitrary constant for the advisory lock that serializes migrations of instances starting together. */
const MIGRATION_LOCK = 7_214_001;

/**
 * Applies the committed drizzle-kit migrations of `url`'s engine (db/migrations or db/migrations-pg);
 * idempotent. On PostgreSQL several instances may start at once: a session advisory lock makes them migrate one
 * after the other. Throws DatabaseUnavailableError (host named, password not) when the server cannot be reached.
 */
export async function migrateDatabase(url: string): Promise<void> {
  if (dialectOf(url) === "sqlite") {
    const path = sqlitePath(url);
    mkdirSync(dirname(path), { recursive: true });
    const client = new Database(path);
    client.pragma("journal_mode = WAL");
    client.pragma("busy_timeout = 5000");
    try {
      migrateSqlite(drizzleSqliteSync({ client }), { migrationsFolder: join(process.cwd(), "db", "migrations") });
    } finally {
      client.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw unavailable(url, error);
  }
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migratePg(drizzlePg({ client }), { migrationsFolder: join(process.cwd(), "db", "migrations-pg") });
  } finally {
    await client.end();
  }
}

/** A DatabaseUnavailableError for `url` from a connection error (the host and the reason; never the password). */
export function unavailable(url: string, error: unknown): DatabaseUnavailableError {
  let host = "the database server";
  try {
    const parsed = new URL(url);
    host = `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ""}`;
  } catch {
    // not a URL: keep the generic name
  }
  const reason = error instanceof Error ? error.message.replaceAll(url, redactUrl(url)) : String(error);
  return new DatabaseUnavailableError(`PostgreSQL at ${host} is unavailable: ${reason}`);
}
