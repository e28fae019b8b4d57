/**
 * `npm run db:backup [path]`: a backup of the database DATABASE_URL names, safe while the app writes. Tokens stay
 * sealed in the copy (restoring it needs TOKEN_ENCRYPTION_KEY too: see npm run keys:backup in the README).
 * - SQLite: an online copy (better-sqlite3 `backup()`), then `PRAGMA integrity_check` on it. Default path:
 *   backups/app-<UTC timestamp>.db next to the database.
 * - PostgreSQL: `pg_dump --format=custom` (a consistent snapshot; restore with `pg_restore --clean -d <url>`),
 *   then `pg_restore --list` reads the archive back. Default path: data/backups/trainlink-<UTC timestamp>.dump.
 *   pg_dump comes from PATH or the server binaries scripts/postgres.ts finds; the password travels in
 *   PGPASSWORD, never on the command line.
 */
import "./load-env";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { dialectOf, redactUrl, sqlitePath } from "@/db/dialect";
import { env } from "@/lib/env";
import { findPostgresBin } from "./postgres";

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const started = Date.now();

if (dialectOf(env.DATABASE_URL) === "sqlite") {
  const path = sqlitePath(env.DATABASE_URL);
  const target = process.argv[2] ?? join(dirname(path), "backups", `app-${stamp}.db`);
  mkdirSync(dirname(target), { recursive: true });
  const source = new Database(path, { fileMustExist: true });
  await source.backup(target);
  source.close();
  const copy = new Database(target, { readonly: true });
  const check = copy.pragma("integrity_check", { simple: true });
  copy.close();
  if (check !== "ok") {
    console.error(`Backup written to ${target} but its integrity check failed: ${String(check)}`);
    process.exit(1);
  }
  console.log(`Backup written to ${target} in ${Date.now() - started} ms; integrity check ok.`);
} else {
  const target = process.argv[2] ?? join("data", "backups", `trainlink-${stamp}.dump`);
  mkdirSync(dirname(target), { recursive: true });
  const url = new URL(env.DATABASE_URL);
  const password = decodeURIComponent(url.password);
  url.password = "";
  const bin = (name: string) => {
    const dir = findPostgresBin();
    return dir && existsSync(join(dir, name)) ? join(dir, name) : name;
  };
  const childEnv = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
  const dump = spawnSync(bin("pg_dump"), ["--format=custom", "--no-owner", `--file=${target}`, url.toString()], { env: childEnv, encoding: "utf8" });
  if (dump.status !== 0) {
    console.error(`pg_dump of ${redactUrl(env.DATABASE_URL)} failed: ${(dump.stderr || String(dump.error)).trim()}`);
    process.exit(1);
  }
  const list = spawnSync(bin("pg_restore"), ["--list", target], { encoding: "utf8" });
  const tables = (list.stdout ?? "").split("\n").filter((line) => / TABLE DATA /.test(line)).length;
  if (list.status !== 0 || tables === 0) {
    console.error(`Backup written to ${target} but pg_restore could not read it back: ${(list.stderr || "no table data").trim()}`);
    process.exit(1);
  }
  console.log(`Backup written to ${target} (${statSync(target).size} bytes, ${tables} tables) in ${Date.now() - started} ms; pg_restore reads it.`);
}
