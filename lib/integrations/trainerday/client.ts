import { env } from "@/lib/env";
import { clientCredentials, fromDefinition, trimBaseUrl } from "@/lib/integrations/config";
import { postForm, ServiceError } from "@/lib/integrations/http";
import { nowSeconds, parseTokenResponse } from "@/lib/integrations/tokens";
import { TRAINERDAY } from "@/lib/integrations/trainerday/definition";
import type { AuthorizationCodeIntegration } from "@/lib/integrations/types";

/**
 * TrainerDay's client (its facts: TRAINERDAY in definition.ts), configured from env. The code lives about 30 s,
 * so it is exchanged at once. The doc names no endpoint that identifies the account, so connections carry no
 * service account id.
 */
export function trainerday(): AuthorizationCodeIntegration {
  const baseUrl = trimBaseUrl(env.TRAINERDAY_BASE_URL);
  const credentials = clientCredentials(env.TRAINERDAY_CLIENT_ID, env.TRAINERDAY_CLIENT_SECRET);
  const { id: service, name, paths } = TRAINERDAY;
  const requireCredentials = () => {
    if (!credentials) throw new ServiceError("invalid_client", `${name} is not configured`);
    return credentials;
  };
  return {
    ...fromDefinition(TRAINERDAY, baseUrl),
    credentials,
    authorizationUrl: `${baseUrl}${paths.authorize}`,
    pkce: env.TRAINERDAY_PKCE === "true",
    async exchangeCode(code, redirectUri, _learned, codeVerifier) {
      const { clientId, clientSecret } = requireCredentials();
      const body = await postForm({ service, name, endpoint: "token" }, `${baseUrl}${paths.token}`, {
        grant_type: "authorization_code",
        code,
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uri: redirectUri,
        ...(codeVerifier ? { code_verifier: codeVerifier } : {}),
      });
      return { tokens: parseTokenResponse(name, body, nowSeconds()), accountId: null };
    },
    async refresh(refreshToken) {
      const { clientId, clientSecret } = requireCredentials();
      const body = await postForm({ service, name, endpoint: "refresh" }, `${baseUrl}${paths.token}`, {
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        client_id: clientId,
        client_secret: clientSecret,
      });
      return parseTokenResponse(name, body, nowSeconds());
    },
    async revoke({ accessToken, refreshToken }) {
      // The doc lists only `token` (the access token). RFC 7009 §2.1 has a confidential client authenticate at
      // the revocation endpoint (standard servers refuse it otherwise), so the credentials go in the body as at
      // the token endpoint, with the RFC's `token_type_hint`. The refresh token goes first: a standard server
      // ends the whole grant with it (revoking only an access token leaves the refresh token live); a server
      // that does not revoke refresh tokens answers 200 (§2.2) or `unsupported_token_type` (§2.2.1), and then
      // the documented access-token revocation still follows.
      const { clientId, clientSecret } = requireCredentials();
      const send = (token: string, hint: "access_token" | "refresh_token") =>
        postForm({ service, name, endpoint: "revoke" }, `${baseUrl}${paths.revoke}`, {
          token,
          token_type_hint: hint,
          client_id: clientId,
          client_secret: clientSecret,
        });
      if (refreshToken) {
        try {
          await send(refreshToken, "refresh_token");
        } catch (error) {
          if (!(error instanceof ServiceError) || error.oauthError !== "unsupported_token_type") throw error;
        }
      }
      if (accessToken) await send(accessToken, "access_token");
    },
  };
}
