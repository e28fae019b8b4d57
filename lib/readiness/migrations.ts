import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { AppDatabase } from "@/db";

/** The last entry of a drizzle-kit journal (`meta/_journal.json`): its tag and its `when` (ms since the epoch). */
interface JournalEntry {
  tag: string;
  when: number;
}

const journals = new Map<string, JournalEntry>();

/** The last migration of `engine`'s committed folder (db/migrations or db/migrations-pg, as migrateDatabase reads). */
function lastMigration(engine: AppDatabase["engine"]): JournalEntry {
  const folder = join(process.cwd(), "db", engine === "postgres" ? "migrations-pg" : "migrations");
  let last = journals.get(folder);
  if (!last) {
    const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as { entries: JournalEntry[] };
    last = journal.entries.at(-1);
    if (!last) throw new Error(`${folder}/meta/_journal.json lists no migration`);
    journals.set(folder, last);
  }
  return last;
}

/**
 * Whether every committed migration of the database's engine is applied, by drizzle's own rule (its migrator
 * applies each journal entry whose `when` is later than the newest `created_at` of `__drizzle_migrations`;
 * `drizzle.__drizzle_migrations` on PostgreSQL). Resolves to `{ latest }` (the journal's last tag) and, when
 * something is pending or the table is missing, `pending`: a sentence for the operator. Rejects when the
 * database does not answer.
 */
export async function checkMigrations(database: AppDatabase): Promise<{ latest: string; pending?: string }> {
  const last = lastMigration(database.engine);
  const table = database.engine === "postgres" ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`;
  let newest: number | null;
  try {
    const { rows } = await database.execute<{ newest: number | string | null }>(sql`SELECT max(created_at) AS newest FROM ${table}`);
    newest = rows[0]?.newest == null ? null : Number(rows[0].newest);
  } catch (error) {
    // On PostgreSQL drizzle wraps the driver's error (DrizzleQueryError, whose message is the query): the reason is its cause.
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause : error).message : String(error);
    if (!/does not exist|no such table/.test(reason)) throw error;
    newest = null; // no migrations table: nothing was ever migrated
  }
  if (newest !== null && newest >= last.when) return { latest: last.tag };
  return { latest: last.tag, pending: `migration ${last.tag} (and maybe earlier ones) is not applied: run npm run db:migrate or restart the server` };
}
