/** TrainerDay emulator: /oauth/authorize, /oauth/token (body credentials, rotation), /oauth/revoke. */
import type { RouteArgs, ServiceRouter } from "../context.js";
import { accessTokenTtl, omitsRefreshToken } from "../modes.js";
import { OAuthError, allowMethod, required, safeEqual, sendJson, single } from "../http.js";
import type { Grant } from "../state.js";
import { newToken } from "../tokens.js";
import { CONSENT_PATH, handleCodeAuthorize, handleConsentDecision, issueCode, type CodeFlowSpec } from "./browser-flow.js";
import { findRefreshGrant, readRevokeRequest, readTokenRequest, redeemCode, sendRevoked } from "./grants.js";

const ACCESS_TTL_SECONDS = 3600;

/** Scopes TrainerDay documents. */
export const TRAINERDAY_SCOPES = [
  "calendar:read",
  "calendar:write",
  "calendar:delete",
  "workout:read",
  "workout:write",
  "workout:delete",
  "athlete:read",
  "athlete:write",
] as const;

const spec: CodeFlowSpec = { service: "trainerday", tag: "td", supportedScopes: TRAINERDAY_SCOPES };

/** Client authentication with client_id/client_secret in the body (the only documented way). */
function authenticateClient(args: RouteArgs, form: URLSearchParams): string {
  const expected = args.ctx.config.trainerday;
  const clientId = single(form, "client_id");
  const clientSecret = single(form, "client_secret");
  if (
    clientId === undefined ||
    clientSecret === undefined ||
    !safeEqual(clientId, expected.clientId) ||
    !safeEqual(clientSecret, expected.clientSecret)
  ) {
    throw new OAuthError(401, "invalid_client", "Client authentication failed (client_id and client_secret in the body).");
  }
  return clientId;
}

/**
 * Issues an access token and, unless `keepRefreshToken`, a new refresh token (rotation). With
 * `keepRefreshToken` (mode `omit_refresh_token`) the response has no `refresh_token` field.
 */
function issueTokens(args: RouteArgs, grant: Grant, keepRefreshToken = false): Record<string, unknown> {
  const { ctx } = args;
  const { state } = ctx;
  const ttl = accessTokenTtl(ctx, "trainerday", ACCESS_TTL_SECONDS);
  const accessToken = newToken("td", "at");
  const common = { account: grant.account, grantId: grant.id };
  state.issue("trainerday", "access", accessToken, grant.clientId, { ...common, ttlSeconds: ttl });
  const body: Record<string, unknown> = {
    access_token: accessToken,
    expires_in: ttl,
    token_type: "Bearer",
    scope: grant.scope.join(" "),
  };
  if (keepRefreshToken) return body;
  const refreshToken = newToken("td", "rt");
  state.issue("trainerday", "refresh", refreshToken, grant.clientId, common);
  grant.refreshToken = refreshToken;
  return { ...body, refresh_token: refreshToken };
}

async function token(args: RouteArgs): Promise<void> {
  const form = await readTokenRequest(args, "trainerday");
  if (!form) return;
  const clientId = authenticateClient(args, form);
  const grantType = required(form, "grant_type");
  if (grantType === "authorization_code") {
    const code = required(form, "code");
    const redirectUri = required(form, "redirect_uri");
    const entry = redeemCode(args, "trainerday", code, clientId, redirectUri, single(form, "code_verifier"));
    const grant = args.ctx.state.createGrant("trainerday", clientId, entry.account, entry.scope);
    sendJson(args.res, 200, issueTokens(args, grant));
    return;
  }
  if (grantType === "refresh_token") {
    const { token: old, grant } = findRefreshGrant(args, "trainerday", required(form, "refresh_token"), clientId);
    const keep = omitsRefreshToken(args.ctx, "trainerday");
    if (!keep) args.ctx.state.rotateAway(old); // rotation: the old refresh token stops working
    sendJson(args.res, 200, issueTokens(args, grant, keep));
    return;
  }
  throw new OAuthError(400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.");
}

/**
 * `POST /oauth/revoke`: the doc lists only `token` (the access token); RFC 7009 §2.1 has a confidential client
 * authenticate too. Both forms are accepted: without client credentials as documented, with them (in the body,
 * as at the token endpoint) only when they are right (401 `invalid_client` otherwise). `token_type_hint` is
 * accepted and ignored (§2.1: a hint). An access or a refresh token ends its whole grant.
 */
async function revoke(args: RouteArgs): Promise<void> {
  const form = await readRevokeRequest(args, "trainerday");
  if (!form) return;
  args.info.clientAuth = form.has("client_id") || form.has("client_secret");
  if (args.info.clientAuth) authenticateClient(args, form);
  const { state } = args.ctx;
  const token = required(form, "token");
  const found = state.find("trainerday", "access", token) ?? state.find("trainerday", "refresh", token);
  if (found) {
    if (found.account !== undefined) args.info.account = found.account;
    if (found.grantId !== undefined) state.revokeGrant(found.grantId);
  }
  sendRevoked(args);
}

/** Routes `/trainerday/...` (a trailing slash is tolerated on every path). */
export const trainerday: ServiceRouter = async (args) => {
  const path = args.path.length > 1 ? args.path.replace(/\/+$/, "") : args.path;
  const { req, res } = args;
  switch (path) {
    case "/oauth/authorize":
      if (allowMethod(req, res, "GET")) handleCodeAuthorize(args, spec);
      return true;
    case "/oauth/token":
      if (allowMethod(req, res, "POST")) await token(args);
      return true;
    case "/oauth/revoke":
      if (allowMethod(req, res, "POST")) await revoke(args);
      return true;
    case CONSENT_PATH:
      if (allowMethod(req, res, "POST")) {
        await handleConsentDecision(args, "trainerday", true, (pending, username, granted) => [
          ["code", issueCode(args, spec, pending, username, granted)],
        ]);
      }
      return true;
    default:
      return false;
  }
};
