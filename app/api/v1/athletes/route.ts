import { NextResponse } from "next/server";
import { listAthletes } from "@/lib/api/athletes";
import { withApiKey } from "@/lib/api/handler";
import { parseInput } from "@/lib/api/problem";
import { AthletesQuerySchema, DEFAULT_PAGE_SIZE } from "@/lib/api/schemas";

/** GET /api/v1/athletes: a page of athletes (`connections:read`). */
export const GET = withApiKey("connections:read", async ({ request }) => {
  const query = parseInput(AthletesQuerySchema, Object.fromEntries(request.nextUrl.searchParams), "query");
  return NextResponse.json(await listAthletes({ limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor }));
});
