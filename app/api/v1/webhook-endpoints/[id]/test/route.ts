import { NextResponse } from "next/server";
import { withApiKey } from "@/lib/api/handler";
import { ApiProblem, parseInput, problemType } from "@/lib/api/problem";
import { WebhookEndpointPathSchema } from "@/lib/api/schemas";
import { apiActor } from "@/lib/api/webhook-endpoints";
import { failed } from "@/lib/result";
import { getWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { sendTestEvent } from "@/lib/webhooks/deliveries";

/**
 * POST /api/v1/webhook-endpoints/{id}/test: queues a signed `webhook.test` event for the endpoint (`webhooks:manage`);
 * 202. 404 for an unknown id; 409 while the endpoint is disabled.
 */
export const POST = withApiKey<{ id: string }>("webhooks:manage", async ({ params, caller }) => {
  const { id } = parseInput(WebhookEndpointPathSchema, params, "path");
  if (!(await getWebhookEndpoint(id))) throw new ApiProblem(404, { title: "Not Found", detail: `There is no webhook endpoint with the id ${id}.` });
  const sent = await sendTestEvent(apiActor(caller), id);
  if (failed(sent))
    throw new ApiProblem(409, { type: problemType("webhook-endpoint-disabled"), title: "Webhook endpoint disabled", detail: sent.error });
  return NextResponse.json({ detail: "A test event was queued; it is delivered within seconds." }, { status: 202 });
});
