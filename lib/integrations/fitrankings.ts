import { env } from "@/lib/env";
import { clientCredentials, environmentOf, trimBaseUrl } from "./config";
import type { Integration } from "./types";

/**
 * FitRankings (provider-docs/fitrankings.md): not a code flow. The browser is sent to `/iq/oauth2/` with
 * `client_id` and `callback_uri` and comes back with `?token=…&user_id=…`; the user token has no documented
 * expiry, refresh or revocation. Application-level calls use a master token from
 * `POST /iq/tokens/master-token/`. Linking is built in its own issue; until then Connect is disabled.
 */
export function fitrankings(): Integration {
  const baseUrl = trimBaseUrl(env.FITRANKINGS_BASE_URL);
  return {
    id: "fitrankings",
    name: "FitRankings",
    doc: "fitrankings.md",
    flow: "token_in_callback",
    baseUrl,
    environment: environmentOf(baseUrl, { "api.fitrankings.com": "production" }),
    credentials: clientCredentials(env.FITRANKINGS_CLIENT_ID, env.FITRANKINGS_CLIENT_SECRET),
    scopes: [],
    requestedScopes: [],
    revocation: "none",
    disconnectNote: "FitRankings documents no way to revoke access: remove TrainLink in your FitRankings settings too.",
  };
}
