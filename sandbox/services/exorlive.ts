/**
 * ExorLive emulator: Authorize.aspx answers a code as JSON (no browser redirect), Token.ashx issues
 * tokens with lower-case "bearer" and a string expires_in. No revoke endpoint is documented.
 * Paths match case-insensitively, as on IIS.
 */
import type { RouteArgs, ServiceRouter } from "../context.js";
import { accessTokenTtl, omitsRefreshToken } from "../modes.js";
import { OAuthError, allowMethod, required, safeEqual, sendJson, single } from "../http.js";
import type { Grant } from "../state.js";
import { newToken } from "../tokens.js";
import { findRefreshGrant, readTokenRequest, redeemCode } from "./grants.js";

const ACCESS_TTL_SECONDS = 7200;

/** client_id, client_secret and redirect_uri (the RequesterUrl) together authenticate the client. */
function authenticateClient(args: RouteArgs, params: URLSearchParams): string {
  const expected = args.ctx.config.exorlive;
  const clientId = single(params, "client_id");
  const clientSecret = single(params, "client_secret");
  const redirectUri = single(params, "redirect_uri");
  if (
    clientId === undefined ||
    clientSecret === undefined ||
    redirectUri === undefined ||
    !safeEqual(clientId, expected.clientId) ||
    !safeEqual(clientSecret, expected.clientSecret) ||
    redirectUri !== expected.requesterUrl
  ) {
    throw new OAuthError(401, "invalid_client", "client_id, client_secret and redirect_uri must match exactly.");
  }
  return clientId;
}

/** `GET /Providers/OAuth/Authorize.aspx?user_id&response_type=code&client_id&client_secret&redirect_uri&scope` → `{code}`. */
function authorize(args: RouteArgs): void {
  const { ctx, res, query, info } = args;
  info.endpoint = "authorize";
  const clientId = authenticateClient(args, query);
  const responseType = required(query, "response_type");
  if (responseType !== "code") throw new OAuthError(400, "unsupported_response_type", 'response_type must be "code".');
  const userId = single(query, "user_id");
  if (userId === undefined || !/^\d{1,18}$/.test(userId)) {
    throw new OAuthError(400, "invalid_request", "user_id must be a number.");
  }
  info.account = userId;
  if (ctx.state.mode("exorlive") === "unknown_user" || ctx.state.mode("exorlive") === "user_removed") {
    throw new OAuthError(404, "invalid_user", "Unknown user_id.");
  }
  const scope = [...new Set((single(query, "scope") ?? "").split(" ").filter((s) => s !== ""))];
  const code = newToken("ex", "code");
  ctx.state.sweep();
  ctx.state.codes.set(code, {
    value: code,
    service: "exorlive",
    clientId,
    redirectUri: ctx.config.exorlive.requesterUrl,
    scope,
    account: userId,
    expiresAt: Date.now() + ctx.config.codeTtlMs,
    used: false,
  });
  sendJson(res, 200, { code });
}

/**
 * Issues an access token and, unless `keepRefreshToken`, a new refresh token (rotation). With
 * `keepRefreshToken` (mode `omit_refresh_token`) the response has no `refresh_token` field.
 */
function issueTokens(args: RouteArgs, grant: Grant, keepRefreshToken = false): Record<string, unknown> {
  const { ctx } = args;
  const { state } = ctx;
  const ttl = accessTokenTtl(ctx, "exorlive", ACCESS_TTL_SECONDS);
  const accessToken = newToken("ex", "at");
  const common = { account: grant.account, grantId: grant.id };
  state.issue("exorlive", "access", accessToken, grant.clientId, { ...common, ttlSeconds: ttl });
  let refreshToken: string | undefined;
  if (!keepRefreshToken) {
    refreshToken = newToken("ex", "rt");
    state.issue("exorlive", "refresh", refreshToken, grant.clientId, common);
    grant.refreshToken = refreshToken;
  }
  return {
    access_token: accessToken,
    token_type: "bearer",
    expires_in: String(ttl),
    ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}),
    scope: grant.scope.join(" "),
  };
}

/** `POST /Providers/OAuth/Token.ashx` (form body). */
async function token(args: RouteArgs): Promise<void> {
  const form = await readTokenRequest(args, "exorlive");
  if (!form) return;
  const clientId = authenticateClient(args, form);
  const grantType = required(form, "grant_type");
  if (grantType === "authorization_code") {
    const entry = redeemCode(args, "exorlive", required(form, "code"), clientId, single(form, "redirect_uri"));
    const grant = args.ctx.state.createGrant("exorlive", clientId, entry.account, entry.scope);
    sendJson(args.res, 200, issueTokens(args, grant));
    return;
  }
  if (grantType === "refresh_token") {
    const { token: old, grant } = findRefreshGrant(args, "exorlive", required(form, "refresh_token"), clientId);
    const keep = omitsRefreshToken(args.ctx, "exorlive");
    if (!keep) args.ctx.state.rotateAway(old); // rotation
    sendJson(args.res, 200, issueTokens(args, grant, keep));
    return;
  }
  throw new OAuthError(400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.");
}

/** Routes `/exorlive/...`. */
export const exorlive: ServiceRouter = async (args) => {
  const { req, res } = args;
  switch (args.path.toLowerCase()) {
    case "/providers/oauth/authorize.aspx":
      if (allowMethod(req, res, "GET")) authorize(args);
      return true;
    case "/providers/oauth/token.ashx":
      if (allowMethod(req, res, "POST")) await token(args);
      return true;
    default:
      return false;
  }
};
