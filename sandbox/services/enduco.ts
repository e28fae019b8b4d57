/** enduco emulator: /oauth2/authorize, /oauth2/token (HTTP Basic, grant_type=code, JWT), /oauth2/revoke. */
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { RouteArgs, ServiceRouter } from "../context.js";
import { accessTokenTtl, omitsRefreshToken } from "../modes.js";
import { OAuthError, allowMethod, parseBasicAuth, required, safeEqual, sendJson, single } from "../http.js";
import type { Grant } from "../state.js";
import { enducoUserId, newToken } from "../tokens.js";
import { CONSENT_PATH, handleCodeAuthorize, handleConsentDecision, issueCode, type CodeFlowSpec } from "./browser-flow.js";
import { findRefreshGrant, readRevokeRequest, readTokenRequest, redeemCode, sendRevoked } from "./grants.js";

/** What the token response says; the JWT's exp is iat + 7200 as in the doc's example. */
const EXPIRES_IN = 7199;

/** Scopes enduco documents, with their documented meaning. */
export const ENDUCO_SCOPES: Readonly<Record<string, string>> = {
  workouts_write: "Allows to upload finished workouts as FIT File to the enduco user account",
  plans_read: "Allows to fetch training plans up to 7 days in the future",
  user_read: "Allows to fetch the users Intensity Zones",
};

const spec: CodeFlowSpec = {
  service: "enduco",
  tag: "en",
  supportedScopes: Object.keys(ENDUCO_SCOPES),
  descriptions: ENDUCO_SCOPES,
};

/** HTTP Basic client authentication per RFC 6749 §2.3.1 (the only documented method). */
function authenticateBasic(args: RouteArgs): string {
  const expected = args.ctx.config.enduco;
  // `literal_basic_auth`: the doc's literal `Basic <CLIENT_ID>:<CLIENT_SECRET>` (base64 of the raw pair), as a
  // server that skips RFC 6749 §2.3.1's form-decoding reads it.
  const creds = parseBasicAuth(args.req.headers.authorization, args.ctx.state.mode("enduco") === "literal_basic_auth");
  if (!creds || !safeEqual(creds.id, expected.clientId) || !safeEqual(creds.secret, expected.clientSecret)) {
    throw new OAuthError(401, "invalid_client", "Client authentication failed (HTTP Basic required).", {
      "WWW-Authenticate": 'Basic realm="enduco"',
    });
  }
  return creds.id;
}

/** RFC 6749 §2.3.1: one authentication method per request. */
function refuseBodySecret(form: URLSearchParams): void {
  if (form.has("client_secret")) {
    throw new OAuthError(400, "invalid_request", "Use only HTTP Basic for client authentication.");
  }
}

/** Signs and registers an access token valid for `ttlSeconds` (the JWT's exp is one second later, as in the doc). */
async function signAccessToken(args: RouteArgs, grant: Grant, ttlSeconds: number): Promise<string> {
  const { ctx } = args;
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({
    sub: enducoUserId(grant.account),
    aud: grant.clientId,
    nbf: now,
    scope: grant.scope,
    iss: `${ctx.baseUrl}/enduco`,
    exp: now + ttlSeconds + 1,
    iat: now,
    jti: randomUUID(),
  })
    .setProtectedHeader({ kid: ctx.signing.kid, alg: "RS256" })
    .sign(ctx.signing.privateKey);
  ctx.state.issue("enduco", "access", jwt, grant.clientId, {
    account: grant.account,
    grantId: grant.id,
    ttlSeconds,
  });
  return jwt;
}

/** The token response; `refreshToken` undefined leaves the field out (mode `omit_refresh_token`). */
async function tokenResponse(args: RouteArgs, grant: Grant, refreshToken: string | undefined): Promise<Record<string, unknown>> {
  const ttl = accessTokenTtl(args.ctx, "enduco", EXPIRES_IN);
  return {
    access_token: await signAccessToken(args, grant, ttl),
    ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}),
    scope: grant.scope.join(" "),
    token_type: "Bearer",
    expires_in: ttl,
  };
}

async function token(args: RouteArgs): Promise<void> {
  const form = await readTokenRequest(args, "enduco");
  if (!form) return;
  const clientId = authenticateBasic(args);
  refuseBodySecret(form);
  const grantType = required(form, "grant_type");
  const mode = args.ctx.state.mode("enduco");
  const codeGrant = mode === "standard_grant_only" || mode === "standard_grant_invalid_request" ? "authorization_code" : "code";
  if (mode === "standard_grant_invalid_request" && grantType === "code") {
    // As servers answer that reject an unknown grant type with a generic error instead of unsupported_grant_type.
    throw new OAuthError(400, "invalid_request", "Unsupported grant_type: code");
  }
  if (grantType === codeGrant) {
    const code = required(form, "code");
    const redirectUri = required(form, "redirect_uri");
    const entry = redeemCode(args, "enduco", code, clientId, redirectUri, single(form, "code_verifier"));
    const grant = args.ctx.state.createGrant("enduco", clientId, entry.account, entry.scope);
    const refreshToken = newToken("en", "rt");
    args.ctx.state.issue("enduco", "refresh", refreshToken, clientId, { account: grant.account, grantId: grant.id });
    grant.refreshToken = refreshToken;
    sendJson(args.res, 200, await tokenResponse(args, grant, refreshToken));
    return;
  }
  if (grantType === "refresh_token") {
    const bodyClientId = single(form, "clientId");
    if (bodyClientId === undefined || bodyClientId !== clientId) {
      throw new OAuthError(400, "invalid_request", 'Parameter "clientId" must be the authenticated client id.');
    }
    const { token: refresh, grant } = findRefreshGrant(args, "enduco", required(form, "refresh_token"), clientId);
    // No rotation documented: the same refresh token comes back (left out under omit_refresh_token).
    const echoed = omitsRefreshToken(args.ctx, "enduco") ? undefined : refresh.value;
    sendJson(args.res, 200, await tokenResponse(args, grant, echoed));
    return;
  }
  throw new OAuthError(400, "unsupported_grant_type", `grant_type must be ${codeGrant} or refresh_token.`);
}

async function revoke(args: RouteArgs): Promise<void> {
  const form = await readRevokeRequest(args, "enduco");
  if (!form) return;
  const clientId = authenticateBasic(args);
  refuseBodySecret(form);
  const { state } = args.ctx;
  const found = state.find("enduco", "refresh", required(form, "token"));
  if (found && found.clientId === clientId) {
    if (found.account !== undefined) args.info.account = found.account;
    if (found.grantId !== undefined) state.revokeGrant(found.grantId);
  }
  sendRevoked(args);
}

/** Routes `/enduco/...`. */
export const enduco: ServiceRouter = async (args) => {
  const { req, res } = args;
  switch (args.path) {
    case "/oauth2/authorize":
      if (allowMethod(req, res, "GET")) handleCodeAuthorize(args, spec);
      return true;
    case "/oauth2/token":
      if (allowMethod(req, res, "POST")) await token(args);
      return true;
    case "/oauth2/revoke":
      if (allowMethod(req, res, "POST")) await revoke(args);
      return true;
    case CONSENT_PATH:
      if (allowMethod(req, res, "POST")) {
        await handleConsentDecision(
          args,
          "enduco",
          true,
          (pending, username, granted) => [["code", issueCode(args, spec, pending, username, granted)]],
          ENDUCO_SCOPES,
        );
      }
      return true;
    default:
      return false;
  }
};
