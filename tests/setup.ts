// Loaded before every unit test file (see scripts/unit-tests.ts): a throwaway configuration, never the demo's.
// The database is a fresh SQLite file, or, when TEST_POSTGRES_URL names a PostgreSQL server (npm run test:pg), a
// fresh database created on it for this test file alone.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64");
process.env.TOKEN_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.OUTBOUND_TIMEOUT_MS ??= "2000";
// Tests, and the worker processes they start, log warnings and errors only; a test reads info lines with captureLogs.
process.env.LOG_LEVEL ??= "warn";

const server = process.env.TEST_POSTGRES_URL;
if (server) {
  const name = `unit_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
} else {
  process.env.DATABASE_URL = join(mkdtempSync(join(tmpdir(), "trainlink-unit-")), "app.db");
}
