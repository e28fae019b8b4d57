import { WEBHOOK_EVENT_TYPES, type EventKind, type WebhookEventType } from "@/db/enums";

/**
 * The lifecycle webhooks (issue 16): which connection event kinds an integrator hears about, under which Standard
 * Webhooks `type`, and what each type means in one line (the admin form shows them). Plain data, no server code,
 * so client components may import it.
 */

export { WEBHOOK_EVENT_TYPES, type WebhookEventType };

/** The `type` of the event the "Send test event" button sends; no endpoint subscribes to it, every endpoint can get it. */
export const TEST_EVENT_TYPE = "webhook.test";

/** What each event type means, in one line for the person choosing which to receive. */
export const WEBHOOK_EVENT_MEANINGS: Record<WebhookEventType, string> = {
  "connection.linked": "An athlete linked a service, or linked it again.",
  "connection.refresh_failed": "Refreshing a connection's access token failed (it may recover by itself).",
  "connection.needs_reauth": "The service refused the stored grant: the athlete must reconnect.",
  "connection.revoked": "A connection ended: disconnected by the athlete or an admin, or revoked at the service.",
  "connection.recovered": "A connection that needed its athlete works again.",
  "connection.scopes_missing": "A connection lacks permissions the service needs (the athlete must reconnect and grant them).",
};

/**
 * The webhook type a connection event of `kind` is delivered as, or null for the kinds no webhook carries
 * (`refreshed` and the others: they cost nothing extra). `connection.scopes_missing` has no event kind of its own:
 * lib/alerts/check.ts enqueues it when a `missing_permissions` alert episode opens.
 */
export function webhookTypeOf(kind: EventKind): WebhookEventType | null {
  switch (kind) {
    case "linked":
    case "relinked":
      return "connection.linked";
    case "refresh_failed":
      return "connection.refresh_failed";
    case "needs_reauth":
      return "connection.needs_reauth";
    case "disconnected":
    case "deregistered_by_service":
      return "connection.revoked";
    case "recovered":
      return "connection.recovered";
    default:
      return null;
  }
}

/** `events` (webhook_endpoints.events, space-separated) as a list of known types, in WEBHOOK_EVENT_TYPES order. */
export function parseEventList(events: string): WebhookEventType[] {
  const listed = new Set(events.split(" "));
  return WEBHOOK_EVENT_TYPES.filter((type) => listed.has(type));
}
