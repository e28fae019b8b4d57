import type { ApiKeyScope } from "@/db/schema";

/** What each scope lets a key do, in one line (the admin page's checkboxes; safe for client components). */
export const API_KEY_SCOPE_MEANINGS: Record<ApiKeyScope, string> = {
  "connections:read": "List athletes and their connections: status, scopes, last check (never tokens).",
  "tokens:issue": "Get a fresh access token for a connection, to call the service for the athlete.",
  "connections:revoke": "Disconnect a connection, as an admin's Revoke does.",
  "webhooks:manage": "Register, change and delete webhook endpoints for lifecycle events.",
};
