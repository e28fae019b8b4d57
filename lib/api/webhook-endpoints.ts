import "server-only";
import type { ApiCaller } from "@/lib/api-keys/types";
import { describeCaller } from "@/lib/api/access-token";
import type { WebhookEndpointBody } from "@/lib/api/schemas";
import type { WebhookActor, WebhookEndpointView } from "@/lib/webhooks/endpoints";

/** An endpoint as the API answers it (WebhookEndpointSchema): snake_case, ISO instants, a derived status, never its secret. */
export function toApiWebhookEndpoint(endpoint: WebhookEndpointView): WebhookEndpointBody {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    created_at: endpoint.createdAt.toISOString(),
    status: endpoint.disabledAt ? "disabled" : endpoint.failingSince ? "failing" : "active",
    failing_since: endpoint.failingSince?.toISOString() ?? null,
    disabled_at: endpoint.disabledAt?.toISOString() ?? null,
    disabled_reason: endpoint.disabledReason,
  };
}

/** The actor lib/webhooks records for an API key: no person, the key named by its name and prefix. */
export function apiActor(caller: Pick<ApiCaller, "name" | "prefix">): WebhookActor {
  return { userId: null, label: describeCaller(caller) };
}
