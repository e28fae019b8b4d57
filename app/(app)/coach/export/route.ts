import { NextResponse, type NextRequest } from "next/server";
import { getCurrentUser } from "@/lib/auth/session";
import { can } from "@/lib/authz";
import { rosterCsv } from "@/lib/roster/csv";
import { parseRosterQuery } from "@/lib/roster/query";
import { formatUtc } from "@/lib/time";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * GET /coach/export?q=&attention=1&sort=name|status: the coach's roster status as CSV, the same rows, filters
 * and order as the page, without pagination. Only the signed-in coach's own roster (lib/roster/csv.ts rosterCsv);
 * never a token. Anonymous → /login; not a coach → 403; a malformed parameter → 400.
 */
export async function GET(request: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.redirect(new URL("/login", request.url), { status: 303, headers: NO_STORE });
  if (!can(user, "roster.read")) return NextResponse.json({ error: "You do not have permission to do that." }, { status: 403, headers: NO_STORE });

  const filters = parseRosterQuery(request.nextUrl.searchParams, "strict");
  if (!filters) return NextResponse.json({ error: "Invalid filter parameters." }, { status: 400, headers: NO_STORE });

  const now = Date.now();
  const csv = await rosterCsv(user, { q: filters.q, attention: filters.attention, sort: filters.sort }, now);
  return new NextResponse(csv, {
    status: 200,
    headers: {
      ...NO_STORE,
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="roster-${formatUtc(new Date(now), "yyyy-MM-dd")}.csv"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}
