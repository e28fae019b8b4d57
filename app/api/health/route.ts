import { NextResponse } from "next/server";
import { checkDatabase } from "@/db/health";

export const dynamic = "force-dynamic";

/**
 * GET /api/health (no session), the liveness probe: 200 whenever this process answers, with
 * `{ ok: true, at, database: { engine, ok, latencyMs, error? } }`, `at` in ms since the epoch; `database.ok` says
 * whether the database answered `SELECT 1` within 2 s (`error` names the host, never the password). A database
 * outage is not a reason to restart the process (a restart cannot fix it, and every instance would restart at
 * once), so it is reported in the body and by /api/ready (503, `failing: "database"`), which load balancers route
 * by. Also the floor of `npm run bench`.
 */
export async function GET() {
  const database = await checkDatabase();
  return NextResponse.json({ ok: true, at: Date.now(), database }, { headers: { "Cache-Control": "no-store" } });
}
