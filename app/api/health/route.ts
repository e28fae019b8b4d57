import { NextResponse } from "next/server";
import { checkDatabase } from "@/db/health";

export const dynamic = "force-dynamic";

/**
 * GET /api/health (no session): `{ ok, at, database: { engine, ok, latencyMs, error? } }`, `at` in ms since the
 * epoch. 200 when the database answers `SELECT 1` within 2 s; 503 when it does not (a PostgreSQL server down or
 * refusing the credentials: `error` names the host, never the password). The cheap liveness probe, and the floor
 * of `npm run bench`; load balancers route by /api/ready, which also checks migrations and the encryption key.
 */
export async function GET() {
  const database = await checkDatabase();
  return NextResponse.json(
    { ok: database.ok, at: Date.now(), database },
    { status: database.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
