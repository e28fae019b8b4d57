import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import * as schema from "./schema";

export type AppDatabase = ReturnType<typeof openDatabase>;

/**
 * Opens the SQLite file at `path` (creating its folder) with the pragmas docs/SECURITY.md row 16 asks for:
 * WAL journal, foreign keys enforced, a 5000 ms busy timeout. Returns the drizzle handle; the raw
 * better-sqlite3 handle is `$client`.
 */
export function openDatabase(path: string) {
  mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path);
  client.pragma("journal_mode = WAL");
  client.pragma("foreign_keys = ON");
  client.pragma("busy_timeout = 5000");
  client.pragma("synchronous = NORMAL");
  return drizzle({ client, schema });
}

/** Applies the committed drizzle-kit migrations in db/migrations (idempotent). */
export function migrateDatabase(database: AppDatabase): void {
  migrate(database, { migrationsFolder: join(process.cwd(), "db", "migrations") });
}
