import { z } from "zod";
import { env } from "@/lib/env";
import { clientCredentials, fromDefinition, trimBaseUrl } from "@/lib/integrations/config";
import { FITRANKINGS } from "@/lib/integrations/fitrankings/definition";
import { request, ServiceError } from "@/lib/integrations/http";
import type { TokenInCallbackIntegration } from "@/lib/integrations/types";

const masterTokenAnswer = z.object({ token: z.string().min(1).max(4096) });
const activitiesAnswer = z.object({ count: z.number().int().nonnegative() });
const userAnswer = z.object({ id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]) });

/**
 * FitRankings (docs/provider-docs/fitrankings.md): not a code flow. The browser is sent to `/iq/oauth2/` with
 * `client_id` and `callback_uri` and comes back with `?token=…&user_id=…`; the user token has no documented
 * expiry, refresh or revocation, and FitRankings has no scopes. Application-level calls use a master token
 * from `POST /iq/tokens/master-token/` (JSON body with the client credentials), sent as `Authorization: Token …`.
 */
export function fitrankings(): TokenInCallbackIntegration {
  const baseUrl = trimBaseUrl(env.FITRANKINGS_BASE_URL);
  const { id: service, name, paths } = FITRANKINGS;
  const credentials = clientCredentials(env.FITRANKINGS_CLIENT_ID, env.FITRANKINGS_CLIENT_SECRET);
  const requireCredentials = () => {
    if (!credentials) throw new ServiceError("invalid_client", `${name} is not configured`);
    return credentials;
  };
  return {
    ...fromDefinition(FITRANKINGS, baseUrl),
    credentials,
    authorizationRequestUrl(callbackUri) {
      const url = new URL(`${baseUrl}${paths.authorize}`);
      url.searchParams.set("client_id", requireCredentials().clientId);
      url.searchParams.set("callback_uri", callbackUri);
      return url.toString();
    },
    async identifyUser(userToken) {
      // The doc: "to restrict a request to the resources of a specific user, provide that user's unique access
      // token in place of the master token in the authorization header".
      let body: unknown;
      try {
        body = await request({ service, name, endpoint: "verify" }, `${baseUrl}${paths.userInfo}`, {
          method: "GET",
          headers: { authorization: `Token ${userToken}`, accept: "application/json" },
        });
      } catch (error) {
        if (error instanceof ServiceError && (error.status === 401 || error.status === 403)) {
          throw new ServiceError("invalid_grant", `${name} did not accept the user token (HTTP ${error.status})`, error.status);
        }
        throw error;
      }
      const parsed = userAnswer.safeParse(body);
      if (!parsed.success) throw new ServiceError("malformed", `${name} answered the user request without a user id`);
      return String(parsed.data.id);
    },
    async obtainMasterToken() {
      const { clientId, clientSecret } = requireCredentials();
      const body = await request({ service, name, endpoint: "master_token" }, `${baseUrl}${paths.masterToken}`, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", accept: "application/json" },
        body: JSON.stringify({ client_id: clientId, client_secret: clientSecret }),
      });
      const parsed = masterTokenAnswer.safeParse(body);
      if (!parsed.success) throw new ServiceError("malformed", `${name} answered the master-token request without a token`);
      return parsed.data.token;
    },
    async countActivities(masterToken) {
      const body = await request({ service, name, endpoint: "verify" }, `${baseUrl}${paths.activities}`, {
        method: "GET",
        headers: { authorization: `Token ${masterToken}`, accept: "application/json" },
      });
      const parsed = activitiesAnswer.safeParse(body);
      if (!parsed.success) throw new ServiceError("malformed", `${name} answered the activities request in an unknown shape`);
      return parsed.data.count;
    },
  };
}
