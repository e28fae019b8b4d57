import { env } from "@/lib/env";
import { clientCredentials, environmentOf, trimBaseUrl } from "./config";
import { postForm, ServiceError } from "./http";
import { nowSeconds, parseTokenResponse } from "./tokens";
import type { AuthorizationCodeIntegration, ScopeInfo } from "./types";

const SCOPES: ScopeInfo[] = [
  { id: "calendar:read", description: "See the workouts planned on your TrainerDay calendar" },
  { id: "calendar:write", description: "Add workouts to your TrainerDay calendar" },
  { id: "calendar:delete", description: "Remove workouts from your TrainerDay calendar" },
  { id: "workout:read", description: "See your TrainerDay workouts" },
  { id: "workout:write", description: "Create and change TrainerDay workouts" },
  { id: "workout:delete", description: "Delete TrainerDay workouts" },
  { id: "athlete:read", description: "See your TrainerDay athlete profile" },
  { id: "athlete:write", description: "Change your TrainerDay athlete profile" },
];

/**
 * TrainerDay (provider-docs/trainerday.txt): authorization code with client_id and client_secret in the
 * token request body; the code lives about 30 s, so it is exchanged at once; refresh tokens rotate;
 * `POST /oauth/revoke` with `token=<access token>` destroys the access token. The doc names no endpoint
 * that identifies the account, so connections carry no service account id.
 * We ask for read access only: the dashboard reads, it does not plan workouts.
 */
export function trainerday(): AuthorizationCodeIntegration {
  const baseUrl = trimBaseUrl(env.TRAINERDAY_BASE_URL);
  const credentials = clientCredentials(env.TRAINERDAY_CLIENT_ID, env.TRAINERDAY_CLIENT_SECRET);
  const name = "TrainerDay";
  const requireCredentials = () => {
    if (!credentials) throw new ServiceError("invalid_client", `${name} is not configured`);
    return credentials;
  };
  return {
    id: "trainerday",
    name,
    doc: "trainerday.txt",
    flow: "authorization_code",
    baseUrl,
    environment: environmentOf(baseUrl, { "trainerday.com": "production" }),
    credentials,
    scopes: SCOPES,
    requestedScopes: ["athlete:read", "calendar:read", "workout:read"],
    revocation: "access_token",
    authorizationUrl: `${baseUrl}/oauth/authorize`,
    pkce: env.TRAINERDAY_PKCE === "true",
    async exchangeCode(code, redirectUri, _learned, codeVerifier) {
      const { clientId, clientSecret } = requireCredentials();
      const body = await postForm(name, `${baseUrl}/oauth/token`, {
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
      const body = await postForm(name, `${baseUrl}/oauth/token`, {
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
        postForm(name, `${baseUrl}/oauth/revoke`, { token, token_type_hint: hint, client_id: clientId, client_secret: clientSecret });
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
