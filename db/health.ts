import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { env } from "@/lib/env";
import { unavailable } from "./open";

/** The database's state as /api/health reports it. */
export interface DatabaseHealth {
  engine: "sqlite" | "postgres";
  ok: boolean;
  /** How long `SELECT 1` took, in milliseconds (rounded to 0.1 ms). */
  latencyMs: number;
  /** Why it failed: the host and the driver's reason, never the password (absent when ok). */
  error?: string;
}

/**
 * Runs `SELECT 1` on the app's database within `timeoutMs` (default 2000 ms) and reports the outcome; never
 * throws. A PostgreSQL server that is down or refuses the credentials gives `ok: false` with a sentence naming
 * the host (DatabaseUnavailableError's message).
 */
export async function checkDatabase(timeoutMs = 2_000): Promise<DatabaseHealth> {
  const started = performance.now();
  const engine = db.engine;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.execute(sql`SELECT 1`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { engine, ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    const message = engine === "postgres" ? unavailable(env.DATABASE_URL, error).message : `SQLite: ${(error as Error).message}`;
    return { engine, ok: false, latencyMs: Math.round((performance.now() - started) * 10) / 10, error: message };
  } finally {
    clearTimeout(timer);
  }
}
