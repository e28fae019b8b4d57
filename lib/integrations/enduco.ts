import { decodeJwt } from "jose";
import { env } from "@/lib/env";
import { clientCredentials, environmentOf, trimBaseUrl } from "./config";
import { basicClientAuth, postForm, ServiceError } from "./http";
import { nowSeconds, parseTokenResponse } from "./tokens";
import type { AuthorizationCodeIntegration, ScopeInfo } from "./types";

const SCOPES: ScopeInfo[] = [
  { id: "workouts_write", description: "Upload finished workouts as FIT files to your enduco account" },
  { id: "plans_read", description: "Fetch your training plans up to 7 days ahead" },
  { id: "user_read", description: "Fetch your intensity zones" },
];

const ENVIRONMENTS: Record<string, string> = {
  "api.prod.enduco.app": "production",
  "beta-api.dev.enduco.app": "beta",
};

type CodeGrant = "code" | "authorization_code";

/**
 * enduco (provider-docs/enduco.txt §2): authorization code with `state`; every token-endpoint call
 * authenticates with HTTP Basic (RFC 6749 §2.3.1). The documented code grant is the non-standard
 * `grant_type=code`; if the service answers `unsupported_grant_type` we retry once with the standard
 * `authorization_code` and report which worked (`learned.code_grant_type`), so later exchanges start with
 * it. The account id is the access token's `sub` claim. Revocation sends the refresh token (§2.3).
 * ENDUCO_BASE_URL selects production (api.prod.enduco.app) or beta (beta-api.dev.enduco.app).
 */
export function enduco(): AuthorizationCodeIntegration {
  const baseUrl = trimBaseUrl(env.ENDUCO_BASE_URL);
  const credentials = clientCredentials(env.ENDUCO_CLIENT_ID, env.ENDUCO_CLIENT_SECRET);
  const name = "enduco";
  const authHeader = () => {
    if (!credentials) throw new ServiceError("invalid_client", `${name} is not configured`);
    return { authorization: basicClientAuth(credentials.clientId, credentials.clientSecret) };
  };
  return {
    id: "enduco",
    name,
    doc: "enduco.txt",
    flow: "authorization_code",
    baseUrl,
    environment: environmentOf(baseUrl, ENVIRONMENTS),
    credentials,
    scopes: SCOPES,
    requestedScopes: ["plans_read", "user_read", "workouts_write"],
    revocation: "refresh_token",
    authorizationUrl: `${baseUrl}/oauth2/authorize`,
    pkce: env.ENDUCO_PKCE === "true",
    async exchangeCode(code, redirectUri, learned, codeVerifier) {
      const first: CodeGrant = learned.code_grant_type === "authorization_code" ? "authorization_code" : "code";
      const exchange = (grantType: CodeGrant) =>
        postForm(
          name,
          `${baseUrl}/oauth2/token`,
          { grant_type: grantType, code, redirect_uri: redirectUri, ...(codeVerifier ? { code_verifier: codeVerifier } : {}) },
          authHeader(),
        );
      let grantType = first;
      let body: unknown;
      try {
        body = await exchange(grantType);
      } catch (error) {
        if (!(error instanceof ServiceError) || error.kind !== "unsupported_grant_type") throw error;
        grantType = first === "code" ? "authorization_code" : "code";
        body = await exchange(grantType);
      }
      const tokens = parseTokenResponse(name, body, nowSeconds());
      return {
        tokens,
        accountId: subjectOf(tokens.accessToken),
        learned: { code_grant_type: grantType },
        note: `token exchange used grant_type=${grantType}`,
      };
    },
    async refresh(refreshToken) {
      // enduco.txt §2.2: Basic auth, and the client id once more in the body as `clientId`.
      const body = await postForm(
        name,
        `${baseUrl}/oauth2/token`,
        { grant_type: "refresh_token", refresh_token: refreshToken, clientId: credentials?.clientId ?? "" },
        authHeader(),
      );
      return parseTokenResponse(name, body, nowSeconds());
    },
    async revoke({ refreshToken }) {
      if (!refreshToken) return;
      await postForm(name, `${baseUrl}/oauth2/revoke`, { token_type_hint: "refresh_token", token: refreshToken }, authHeader());
    },
  };
}

/** The `sub` claim of enduco's JWT access token. Throws ServiceError("malformed") when it has none. */
function subjectOf(accessToken: string): string {
  let sub: unknown;
  try {
    sub = decodeJwt(accessToken).sub;
  } catch {
    throw new ServiceError("malformed", "enduco sent an access token that is not a JWT");
  }
  if (typeof sub !== "string" || sub.length === 0 || sub.length > 200) {
    throw new ServiceError("malformed", "enduco sent an access token without a subject (sub)");
  }
  return sub;
}
