import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { componentLog } from "@/lib/log";
import { bearerMatches, scrapeMetrics } from "@/lib/metrics/scrape";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/metrics: the Prometheus scrape endpoint (README "Metrics"). Without METRICS_TOKEN configured it answers
 * 404, as if the route did not exist. Otherwise it requires `Authorization: Bearer <METRICS_TOKEN>` (compared in
 * constant time): a missing or wrong token gets 401 with `WWW-Authenticate: Bearer`. 200 carries the text
 * exposition (scrapeMetrics) with `Cache-Control: no-store`.
 */
export async function GET(request: NextRequest) {
  const token = env.METRICS_TOKEN;
  if (!token) return new NextResponse("Not Found", { status: 404, headers: { "Cache-Control": "no-store" } });
  if (!bearerMatches(request.headers.get("authorization"), token)) {
    return new NextResponse("Unauthorized", {
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store" },
    });
  }
  const scrape = await scrapeMetrics();
  if (scrape.databaseError) componentLog("metrics").error({ error: scrape.databaseError }, "database gauges left out of this scrape");
  return new NextResponse(scrape.body, { status: 200, headers: { "Content-Type": scrape.contentType, "Cache-Control": "no-store" } });
}
