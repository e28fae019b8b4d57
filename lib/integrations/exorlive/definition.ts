import type { ServiceDefinition } from "@/lib/integrations/types";

/**
 * ExorLive (docs/provider-docs/exorlive.txt): server to server, from the athlete's ExorLive user id: `Authorize.aspx`
 * answers `{code}`, `Token.ashx` exchanges it; client id, secret and the fixed RequesterUrl (`redirect_uri`,
 * never redirected to) in the body of both. No revocation endpoint. The token response names the granted scope,
 * which the partner agreement decides, not the athlete (the doc's sample grants less than it asks for): profile
 * and workouts are required, the calendar is asked for but optional.
 */
export const EXORLIVE = {
  id: "exorlive",
  name: "ExorLive",
  doc: "exorlive.txt",
  flow: "server_to_server",
  environments: { "auth.exorlive.com": "production" },
  paths: { authorize: "/Providers/OAuth/Authorize.aspx", token: "/Providers/OAuth/Token.ashx" },
  clientAuth: "client_secret_post",
  scopes: [
    { id: "read_profile", description: "See your ExorLive profile" },
    { id: "read_workout", description: "See your ExorLive workouts" },
    { id: "read_master", description: "See ExorLive master data (exercises and templates)" },
    { id: "read_calendar", description: "See your ExorLive calendar" },
    { id: "read_contact", description: "See your ExorLive contact details" },
    { id: "create_session", description: "Open ExorLive sessions on your behalf" },
    { id: "configure", description: "Change ExorLive settings for the integration" },
  ],
  requestedScopes: ["read_profile", "read_workout", "read_calendar"],
  requiredScopes: ["read_profile", "read_workout"],
  revocation: "none",
  disconnectNote: "To end it there too, ask ExorLive support to remove the link.",
} as const satisfies ServiceDefinition;
