import { NextResponse } from "next/server";
import { listApiConnections } from "@/lib/api/connections";
import { withApiKey } from "@/lib/api/handler";
import { parseInput } from "@/lib/api/problem";
import { ConnectionsQuerySchema, DEFAULT_PAGE_SIZE } from "@/lib/api/schemas";

/** GET /api/v1/connections: a page of connections, filtered by service and status (`connections:read`). */
export const GET = withApiKey("connections:read", async ({ request }) => {
  const query = parseInput(ConnectionsQuerySchema, Object.fromEntries(request.nextUrl.searchParams), "query");
  return NextResponse.json(await listApiConnections({ ...query, limit: query.limit ?? DEFAULT_PAGE_SIZE }));
});
