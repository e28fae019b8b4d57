import { NextResponse } from "next/server";
import { getApiConnection } from "@/lib/api/connections";
import { withApiKey } from "@/lib/api/handler";
import { ApiProblem, parseInput } from "@/lib/api/problem";
import { revokeForApi } from "@/lib/api/revoke";
import { ConnectionPathSchema } from "@/lib/api/schemas";

/** GET /api/v1/connections/{id}: one connection, never its tokens (`connections:read`); 404 for an unknown id. */
export const GET = withApiKey<{ id: string }>("connections:read", async ({ params }) => {
  const { id } = parseInput(ConnectionPathSchema, params, "path");
  const connection = await getApiConnection(id);
  if (!connection) throw new ApiProblem(404, { title: "Not Found", detail: `There is no connection with the id ${id}.` });
  return NextResponse.json(connection);
});

/** DELETE /api/v1/connections/{id}: revokes it as an admin's Revoke does (`connections:revoke`); 200, or 202 while pending. */
export const DELETE = withApiKey<{ id: string }>("connections:revoke", async ({ params, caller }) => {
  const { id } = parseInput(ConnectionPathSchema, params, "path");
  const { status, body } = await revokeForApi(id, caller);
  return NextResponse.json(body, { status });
});
