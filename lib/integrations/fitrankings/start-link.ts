import "server-only";
import { randomBytes } from "node:crypto";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { env } from "@/lib/env";
import { getIntegration, isTokenInCallback } from "@/lib/integrations/registry";
import type { ServiceId } from "@/db/schema";
import { recordLinkFlow } from "@/lib/linking/flows";

/** Where the popup lands after the callback; it tells the opener and closes (see app/(popup)). */
export const POPUP_COMPLETE_PATH = "/connections/link-complete";

/**
 * Our callback for a token-in-callback service with our `state` as its last path segment (the route is
 * app/api/connections/[service]/callback/[state]). In the path, not the query: a service that appends
 * `?token=…` to the callback without looking for an existing query cannot corrupt it.
 */
export function callbackPath(service: ServiceId, state: string): string {
  return `/api/connections/${service}/callback/${encodeURIComponent(state)}`;
}

/**
 * Starts linking a service whose callback carries the token (FitRankings) for `user`: a fresh 256-bit
 * `state` is recorded for this user and service (the doc defines no state parameter, so it travels inside
 * our `callback_uri`, as its last path segment), and the service's authorization URL is returned for the browser (popup or full page;
 * `popup` decides where the callback sends the browser afterwards). Throws ForbiddenError for a non-athlete
 * and Error for a service that is not configured or not of this kind.
 */
export async function startCallbackLink(input: { user: SessionUser; service: ServiceId; popup: boolean }): Promise<string> {
  assertCan(input.user, "connections.manage_own");
  const integration = getIntegration(input.service);
  if (!isTokenInCallback(integration) || !integration.credentials) throw new Error(`${integration.name} cannot be linked this way`);
  const state = randomBytes(32).toString("base64url");
  await recordLinkFlow({ state, service: integration.id, userId: input.user.id, returnTo: input.popup ? POPUP_COMPLETE_PATH : "/connections" });
  return integration.authorizationRequestUrl(new URL(callbackPath(integration.id, state), env.NEXTAUTH_URL).toString());
}
