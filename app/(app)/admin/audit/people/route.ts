import { NextResponse } from "next/server";
import { searchUsers, userSearchQuery } from "@/lib/admin/user-search";
import { safeParseQuery } from "@/lib/query";
import { routeError, withPermission } from "@/lib/route";

export const dynamic = "force-dynamic";

/**
 * GET /admin/audit/people?q=<part of a name or email>: up to 10 users as `{ "users": [{ id, name, email, role }] }`,
 * the suggestions of the audit log's person filters (admins: audit.read). Anonymous → 303 /login; without
 * audit.read → 403; a missing or over-long `q` → 400. Every answer is `no-store`.
 */
export const GET = withPermission("audit.read", async ({ request, user }) => {
  const query = safeParseQuery(userSearchQuery, request.nextUrl.searchParams);
  if (!query) return routeError(400, "Type part of a name or email (up to 100 characters).");
  return NextResponse.json({ users: await searchUsers(user, query.q) });
});
