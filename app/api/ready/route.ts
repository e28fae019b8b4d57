import { NextResponse } from "next/server";
import { checkReadiness } from "@/lib/readiness/check";

export const dynamic = "force-dynamic";

/**
 * GET /api/ready (no session): the readiness probe for load balancers and start-up scripts (README, "Health").
 * 200 `{ ok: true, checks }` when the database answers, every migration is applied and the encryption key opens
 * the key canary; else 503 `{ ok: false, failing, checks }`, `failing` naming the check ("database",
 * "migrations" or "encryption key") and its `error` saying why in words, never a secret. /api/health stays the
 * cheap liveness check.
 */
export async function GET() {
  const readiness = await checkReadiness();
  return NextResponse.json(readiness, { status: readiness.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
