import { decodeJwt } from "jose";
import { env } from "@/lib/env";
import { clientCredentials, fromDefinition, trimBaseUrl } from "@/lib/integrations/config";
import { ENDUCO } from "@/lib/integrations/enduco/definition";
import { basicClientAuth, basicFormsDiffer, postForm, ServiceError, type EndpointKind } from "@/lib/integrations/http";
import { nowSeconds, parseTokenResponse } from "@/lib/integrations/tokens";
import type { AuthorizationCodeIntegration } from "@/lib/integrations/types";

type CodeGrant = "code" | "authorization_code";
type BasicForm = "rfc6749" | "literal";

/**
 * True when a token-endpoint refusal is about the grant type itself: `unsupported_grant_type` (RFC 6749 §5.2),
 * or an `invalid_request`/`invalid_grant` whose description names the grant type (servers that answer an
 * unknown grant type generically). Then the other code grant is worth one retry.
 */
export function rejectsGrantType(error: ServiceError): boolean {
  if (error.kind === "unsupported_grant_type") return true;
  return (error.oauthError === "invalid_request" || error.oauthError === "invalid_grant") && /grant[ _-]?type/i.test(error.description ?? "");
}

/**
 * enduco's client (its facts: ENDUCO in definition.ts), configured from env, and its quirks. The documented code grant is the non-standard `grant_type=code`; if the
 * service refuses the grant type (rejectsGrantType) we retry once with the standard `authorization_code` and
 * report which worked (`learned.code_grant_type`), so later exchanges start with it. Basic authentication is
 * sent as RFC 6749 §2.3.1 says (id and secret form-encoded first); the doc writes it literally
 * (`Basic <CLIENT_ID>:<CLIENT_SECRET>`), so when the service answers `invalid_client` and the two forms differ
 * for our credentials, the literal form is tried once, and whichever worked is used from then on
 * (`learned.basic_auth`, and in this process for refreshes and revocations). The account id is the access
 * token's `sub` claim. ENDUCO_BASE_URL selects production or beta.
 */
export function enduco(): AuthorizationCodeIntegration {
  const baseUrl = trimBaseUrl(env.ENDUCO_BASE_URL);
  const credentials = clientCredentials(env.ENDUCO_CLIENT_ID, env.ENDUCO_CLIENT_SECRET);
  const { name, paths } = ENDUCO;
  let basicForm: BasicForm = "rfc6749";
  /** POSTs `form` to `path` (an `endpoint` call) with Basic client authentication in the form that last worked (see above). Throws ServiceError. */
  const post = async (endpoint: EndpointKind, path: string, form: Record<string, string>): Promise<unknown> => {
    if (!credentials) throw new ServiceError("invalid_client", `${name} is not configured`);
    const { clientId, clientSecret } = credentials;
    const call = { service: ENDUCO.id, name, endpoint };
    const send = (as: BasicForm) => postForm(call, `${baseUrl}${path}`, form, { authorization: basicClientAuth(clientId, clientSecret, as) });
    try {
      return await send(basicForm);
    } catch (error) {
      if (!(error instanceof ServiceError) || error.kind !== "invalid_client" || !basicFormsDiffer(clientId, clientSecret)) throw error;
      const other: BasicForm = basicForm === "rfc6749" ? "literal" : "rfc6749";
      const body = await send(other);
      basicForm = other;
      return body;
    }
  };
  return {
    ...fromDefinition(ENDUCO, baseUrl),
    credentials,
    authorizationUrl: `${baseUrl}${paths.authorize}`,
    pkce: env.ENDUCO_PKCE === "true",
    async exchangeCode(code, redirectUri, learned, codeVerifier) {
      if (learned.basic_auth === "literal" || learned.basic_auth === "rfc6749") basicForm = learned.basic_auth;
      const first: CodeGrant = learned.code_grant_type === "authorization_code" ? "authorization_code" : "code";
      const exchange = (grantType: CodeGrant) =>
        post("token", paths.token, {
          grant_type: grantType,
          code,
          redirect_uri: redirectUri,
          ...(codeVerifier ? { code_verifier: codeVerifier } : {}),
        });
      let grantType = first;
      let body: unknown;
      try {
        body = await exchange(grantType);
      } catch (error) {
        if (!(error instanceof ServiceError) || !rejectsGrantType(error)) throw error;
        grantType = first === "code" ? "authorization_code" : "code";
        body = await exchange(grantType);
      }
      const tokens = parseTokenResponse(name, body, nowSeconds());
      return {
        tokens,
        accountId: subjectOf(tokens.accessToken),
        learned: { code_grant_type: grantType, basic_auth: basicForm },
        note: `token exchange used grant_type=${grantType}${basicForm === "literal" ? " and the literal Basic form" : ""}`,
      };
    },
    async refresh(refreshToken) {
      // enduco.txt §2.2: Basic auth, and the client id once more in the body as `clientId`.
      const body = await post("refresh", paths.token, {
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        clientId: credentials?.clientId ?? "",
      });
      return parseTokenResponse(name, body, nowSeconds());
    },
    async revoke({ refreshToken }) {
      if (!refreshToken) return;
      await post("revoke", paths.revoke, { token_type_hint: "refresh_token", token: refreshToken });
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
