import { NextResponse } from "next/server";
import { rosterCsv } from "@/lib/roster/csv";
import { parseRosterQuery } from "@/lib/roster/query";
import { routeError, withPermission } from "@/lib/route";
import { formatUtc } from "@/lib/time";

export const dynamic = "force-dynamic";

/**
 * GET /coach/export?q=&attention=1&sort=name|status: the coach's roster status as CSV, the same rows, filters
 * and order as the page, without pagination. Only the signed-in coach's own roster (lib/roster/csv.ts rosterCsv);
 * never a token. Anonymous → 303 /login; not a coach → 403 (withPermission); a malformed parameter → 400
 * `{ "error": "Invalid filter parameters." }`. Every answer is `no-store`.
 */
export const GET = withPermission("roster.read", async ({ request, user }) => {
  const filters = parseRosterQuery(request.nextUrl.searchParams, "strict");
  if (!filters) return routeError(400, "Invalid filter parameters.");

  const now = Date.now();
  const csv = await rosterCsv(user, { q: filters.q, attention: filters.attention, sort: filters.sort }, now);
  return new NextResponse(csv, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="roster-${formatUtc(new Date(now), "yyyy-MM-dd")}.csv"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
});
