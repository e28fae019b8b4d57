import "server-only";
import { db } from "@/db";
import { checkDatabase } from "@/db/health";
import { getKeyring } from "@/lib/connections/sealing";
import { openKeyCanary } from "./canary";
import { checkMigrations } from "./migrations";

/** One check's outcome; `error` is a sentence for the operator (never a secret, key or password). */
export interface CheckResult {
  ok: boolean;
  /** How long the check took, in milliseconds (rounded to 0.1 ms; 0 for a cached pass). */
  latencyMs: number;
  error?: string;
}

/** The checks in the order they run; `failing` names the first that failed. */
export type CheckName = "database" | "migrations" | "encryption key";

/** What /api/ready answers. */
export type Readiness =
  { ok: true; checks: Record<CheckName, CheckResult> } | { ok: false; failing: CheckName; checks: Partial<Record<CheckName, CheckResult>> };

// Migrations never un-apply: once every one is applied, the check is not repeated in this process.
let migrationsApplied: string | null = null;

/** Forgets a passed migration check (tests that un-apply a migration on purpose). */
export function forgetMigrationCheck(): void {
  migrationsApplied = null;
}

const since = (started: number) => Math.round((performance.now() - started) * 10) / 10;
const failure = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function migrations(): Promise<CheckResult & { latest?: string }> {
  if (migrationsApplied) return { ok: true, latencyMs: 0, latest: migrationsApplied };
  const started = performance.now();
  try {
    const { latest, pending } = await checkMigrations(db);
    if (pending) return { ok: false, latencyMs: since(started), latest, error: pending };
    migrationsApplied = latest;
    return { ok: true, latencyMs: since(started), latest };
  } catch (error) {
    return { ok: false, latencyMs: since(started), error: `the migrations could not be checked: ${failure(error)}` };
  }
}

async function encryptionKey(): Promise<CheckResult> {
  const started = performance.now();
  try {
    const problem = await openKeyCanary(db, getKeyring());
    return problem ? { ok: false, latencyMs: since(started), error: problem } : { ok: true, latencyMs: since(started) };
  } catch (error) {
    // KeyringConfigError names the entry, never its bytes; a database error names the host, never the password.
    return { ok: false, latencyMs: since(started), error: `the key canary could not be checked: ${failure(error)}` };
  }
}

/**
 * Whether this instance can serve (GET /api/ready, issue 17): the database answers `SELECT 1` within 2 s
 * (checkDatabase), every committed migration of its engine is applied (cached once it passes), and
 * TOKEN_ENCRYPTION_KEY opens the key canary stored at start-up (lib/readiness/canary.ts). When the database
 * fails the other two are not run (they would wait for it too). Never throws. Healthy, it costs two small queries
 * (under 10 ms on both engines).
 */
export async function checkReadiness(): Promise<Readiness> {
  const database = await checkDatabase();
  if (!database.ok) return { ok: false, failing: "database", checks: { database } };
  const [migrated, key] = await Promise.all([migrations(), encryptionKey()]);
  const checks = { database, migrations: migrated, "encryption key": key };
  if (!migrated.ok) return { ok: false, failing: "migrations", checks };
  if (!key.ok) return { ok: false, failing: "encryption key", checks };
  return { ok: true, checks };
}
