import "server-only";
import { env } from "@/lib/env";
import { openDatabase, type AppDatabase } from "./open";

export type { AppDatabase, Executor, Transaction } from "./open";

const globalForDb = globalThis as unknown as { appDb?: AppDatabase };

function connection(): AppDatabase {
  globalForDb.appDb ??= openDatabase(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE });
  return globalForDb.appDb;
}

/**
 * The app's database (db/open.ts: SQLite through the per-process queue, or a PostgreSQL pool, as DATABASE_URL
 * says), opened on first use, not at import (so `next build` never opens a database), and cached on
 * `globalThis` so dev-server reloads reuse it. Every query is awaited; docs/database.md has the rules.
 */
export const db: AppDatabase = new Proxy({} as AppDatabase, {
  get(_target, property) {
    const real = connection();
    const value: unknown = Reflect.get(real, property, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
});

/** Closes the app's database if it was opened (tests and scripts that end the process cleanly). */
export async function closeDb(): Promise<void> {
  const open = globalForDb.appDb;
  globalForDb.appDb = undefined;
  await open?.close();
}
