import type { ServiceDefinition } from "@/lib/integrations/types";

/**
 * FitRankings (docs/provider-docs/fitrankings.md): not a code flow. The browser goes to `/iq/oauth2/` with `client_id`
 * and `callback_uri` and comes back with `?token=…&user_id=…`; the user token has no documented expiry, refresh or
 * revocation, and FitRankings has no scopes. Application-level calls use a master token obtained with the client
 * credentials in a JSON body; a user's own token in the Authorization header restricts a request to that user.
 */
export const FITRANKINGS = {
  id: "fitrankings",
  name: "FitRankings",
  doc: "fitrankings.md",
  flow: "token_in_callback",
  environments: { "api.fitrankings.com": "production" },
  paths: { authorize: "/iq/oauth2/", masterToken: "/iq/tokens/master-token/", activities: "/iq/activities/", userInfo: "/iq/users/me/" },
  clientAuth: "json_body",
  scopes: [],
  requestedScopes: [],
  requiredScopes: [],
  revocation: "none",
  disconnectNote: "To end it there too, remove TrainLink in your FitRankings account settings.",
} as const satisfies ServiceDefinition;
