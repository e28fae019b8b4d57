import { NextResponse } from "next/server";
import { withApiKey } from "@/lib/api/handler";
import { ApiProblem, parseInput } from "@/lib/api/problem";
import { WebhookEndpointPathSchema } from "@/lib/api/schemas";
import { apiActor, toApiWebhookEndpoint } from "@/lib/api/webhook-endpoints";
import { failed } from "@/lib/result";
import { deleteWebhookEndpoint, getWebhookEndpoint } from "@/lib/webhooks/endpoints";

const notFound = (id: string) => new ApiProblem(404, { title: "Not Found", detail: `There is no webhook endpoint with the id ${id}.` });

/** GET /api/v1/webhook-endpoints/{id}: one endpoint, never its secret (`webhooks:manage`); 404 for an unknown id. */
export const GET = withApiKey<{ id: string }>("webhooks:manage", async ({ params }) => {
  const { id } = parseInput(WebhookEndpointPathSchema, params, "path");
  const endpoint = await getWebhookEndpoint(id);
  if (!endpoint) throw notFound(id);
  return NextResponse.json(toApiWebhookEndpoint(endpoint));
});

/** DELETE /api/v1/webhook-endpoints/{id}: deletes it and its delivery log (`webhooks:manage`); 204, or 404 for an unknown id. */
export const DELETE = withApiKey<{ id: string }>("webhooks:manage", async ({ params, caller }) => {
  const { id } = parseInput(WebhookEndpointPathSchema, params, "path");
  const deleted = await deleteWebhookEndpoint(apiActor(caller), id);
  if (failed(deleted)) throw notFound(id);
  return new Response(null, { status: 204 });
});
