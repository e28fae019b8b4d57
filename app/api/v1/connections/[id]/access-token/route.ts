import { NextResponse } from "next/server";
import { issueAccessToken } from "@/lib/api/access-token";
import { withApiKey } from "@/lib/api/handler";
import { parseInput } from "@/lib/api/problem";
import { ConnectionPathSchema } from "@/lib/api/schemas";

/** POST /api/v1/connections/{id}/access-token: a fresh access token for the connection's service (`tokens:issue`). */
export const POST = withApiKey<{ id: string }>("tokens:issue", async ({ params, caller }) => {
  const { id } = parseInput(ConnectionPathSchema, params, "path");
  return NextResponse.json(await issueAccessToken(id, caller));
});
