import { NextResponse } from "next/server";
import { withApiKey, readJsonBody } from "@/lib/api/handler";
import { ApiProblem, parseInput, problemType } from "@/lib/api/problem";
import { WebhookEndpointInputSchema } from "@/lib/api/schemas";
import { apiActor, toApiWebhookEndpoint } from "@/lib/api/webhook-endpoints";
import { failed } from "@/lib/result";
import { createWebhookEndpoint, listWebhookEndpoints } from "@/lib/webhooks/endpoints";

/** GET /api/v1/webhook-endpoints: every webhook endpoint, never a secret (`webhooks:manage`). */
export const GET = withApiKey("webhooks:manage", async () => {
  const endpoints = await listWebhookEndpoints();
  return NextResponse.json({ data: endpoints.map(toApiWebhookEndpoint) });
});

/**
 * POST /api/v1/webhook-endpoints: registers an endpoint (`webhooks:manage`); 201 with its signing secret, shown
 * only here. A URL that is not https, carries credentials or points at a private address: 400 with the reason.
 */
export const POST = withApiKey("webhooks:manage", async ({ request, caller }) => {
  const input = parseInput(WebhookEndpointInputSchema, await readJsonBody(request), "body");
  const created = await createWebhookEndpoint(apiActor(caller), input);
  if (failed(created))
    throw new ApiProblem(400, { type: problemType("webhook-endpoint-refused"), title: "Webhook endpoint refused", detail: created.error });
  return NextResponse.json({ ...toApiWebhookEndpoint(created.endpoint), secret: created.secret }, { status: 201 });
});
