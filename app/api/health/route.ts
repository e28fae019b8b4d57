import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

/**
 * GET /api/health: a trivial dynamic route handler (no session, no database) answering `{ ok: true, at }`
 * (`at` in ms since the epoch). A liveness probe, and the floor of `npm run bench`.
 */
export function GET() {
  return NextResponse.json({ ok: true, at: Date.now() }, { headers: { "Cache-Control": "no-store" } });
}
