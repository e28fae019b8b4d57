import { NextResponse } from "next/server";
import { listAthleteConnections } from "@/lib/api/athletes";
import { withApiKey } from "@/lib/api/handler";
import { ApiProblem, parseInput } from "@/lib/api/problem";
import { AthletePathSchema } from "@/lib/api/schemas";

/** GET /api/v1/athletes/{id}/connections: every connection of one athlete (`connections:read`); 404 for an unknown athlete. */
export const GET = withApiKey<{ id: string }>("connections:read", async ({ params }) => {
  const { id } = parseInput(AthletePathSchema, params, "path");
  const data = await listAthleteConnections(id);
  if (!data) throw new ApiProblem(404, { title: "Not Found", detail: `There is no athlete with the id ${id}.` });
  return NextResponse.json({ data });
});
