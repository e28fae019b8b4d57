import "server-only";
import { env } from "@/lib/env";
import { openDatabase, type AppDatabase } from "./open";

const globalForDb = globalThis as unknown as { appDb?: AppDatabase };

function connection(): AppDatabase {
  globalForDb.appDb ??= openDatabase(env.DATABASE_URL);
  return globalForDb.appDb;
}

/**
 * The app's one database connection (better-sqlite3 on DATABASE_URL; WAL, foreign keys on, 5000 ms busy
 * timeout), opened on first use, not at import (so `next build` never opens a database), and cached on
 * `globalThis` so dev-server reloads reuse it.
 */
export const db: AppDatabase = new Proxy({} as AppDatabase, {
  get(_target, property) {
    const real = connection();
    const value: unknown = Reflect.get(real, property, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
});
