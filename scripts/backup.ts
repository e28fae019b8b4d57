/**
 * `npm run db:backup [path]`: an online backup of the SQLite database (better-sqlite3 `backup()`, safe while the
 * app writes), then `PRAGMA integrity_check` on the copy. Default path: backups/app-<UTC timestamp>.db next to
 * the database. Tokens stay sealed in the copy.
 */
import "./load-env";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { openDatabase } from "@/db/open";
import { env } from "@/lib/env";

const target = process.argv[2] ?? join(dirname(env.DATABASE_URL), "backups", `app-${new Date().toISOString().replace(/[:.]/g, "-")}.db`);
mkdirSync(dirname(target), { recursive: true });
const database = openDatabase(env.DATABASE_URL);
const started = Date.now();
await database.$client.backup(target);
database.$client.close();
const copy = new Database(target, { readonly: true });
const check = copy.pragma("integrity_check", { simple: true });
copy.close();
if (check !== "ok") {
  console.error(`Backup written to ${target} but its integrity check failed: ${String(check)}`);
  process.exit(1);
}
console.log(`Backup written to ${target} in ${Date.now() - started} ms; integrity check ok.`);
