import { env } from "@/lib/env";
import { clientCredentials, environmentOf, trimBaseUrl } from "./config";
import type { Integration, ScopeInfo } from "./types";

const SCOPES: ScopeInfo[] = [
  { id: "read_profile", description: "See your ExorLive profile" },
  { id: "read_workout", description: "See your ExorLive workouts" },
  { id: "read_master", description: "See ExorLive master data (exercises and templates)" },
  { id: "read_calendar", description: "See your ExorLive calendar" },
  { id: "read_contact", description: "See your ExorLive contact details" },
  { id: "create_session", description: "Open ExorLive sessions on your behalf" },
  { id: "configure", description: "Change ExorLive settings for the integration" },
];

/**
 * ExorLive (provider-docs/exorlive.txt): server to server. Our server GETs
 * `/Providers/OAuth/Authorize.aspx` with the athlete's ExorLive `user_id` and the client secret, reads
 * `{code}`, then POSTs `/Providers/OAuth/Token.ashx`. `redirect_uri` is the fixed RequesterUrl and is never
 * redirected to. `expires_in` arrives as a string and `token_type` lower-case. No revocation endpoint.
 * Because the secret can mint a token for any user id, linking is an admin action (built in its own issue).
 */
export function exorlive(): Integration {
  const baseUrl = trimBaseUrl(env.EXORLIVE_AUTH_URL);
  return {
    id: "exorlive",
    name: "ExorLive",
    doc: "exorlive.txt",
    flow: "server_to_server",
    baseUrl,
    environment: environmentOf(baseUrl, { "auth.exorlive.com": "production" }),
    // The RequesterUrl is part of the credentials: ExorLive validates all three together.
    credentials: env.EXORLIVE_REQUESTER_URL ? clientCredentials(env.EXORLIVE_CLIENT_ID, env.EXORLIVE_CLIENT_SECRET) : null,
    scopes: SCOPES,
    requestedScopes: ["read_profile", "read_workout", "read_calendar"],
    revocation: "none",
    disconnectNote: "ExorLive documents no way to revoke access: ask ExorLive support to remove the link too.",
  };
}
