import "server-only";

/** Outbound lifecycle webhooks (issue 16): what the admin pages and the /api/v1 routes call. */
export {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  enableWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  type WebhookActor,
  type WebhookEndpointView,
} from "@/lib/webhooks/endpoints";
export { listDeliveries, redeliver, sendTestEvent, type WebhookDeliveryView } from "@/lib/webhooks/deliveries";
export { TEST_EVENT_TYPE, WEBHOOK_EVENT_MEANINGS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@/lib/webhooks/event-types";
