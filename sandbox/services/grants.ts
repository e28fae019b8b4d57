/** Shared token-endpoint logic: reading the request, redeeming codes (with PKCE), finding refresh tokens. */
import type { ServiceId } from "../config.js";
import type { RouteArgs } from "../context.js";
import { applyRefreshMode, applyRevokeMode, applyTokenMode, SLOW_REFRESH_MS } from "../modes.js";
import { OAuthError, mediaType, readBody } from "../http.js";
import { verifierMatches } from "../pkce.js";
import type { AuthCode, Grant, IssuedToken } from "../state.js";

/**
 * Reads a token request body, records its grant_type, applies the service's token failure mode
 * and requires a form body. Returns null when a failure mode already answered. Counts the request
 * (and, once past the failure modes, a refresh request) for `/__sandbox/stats`.
 */
export async function readTokenRequest(args: RouteArgs, service: ServiceId): Promise<URLSearchParams | null> {
  const { ctx, req, res, info } = args;
  info.endpoint = "token";
  info.pkce = false;
  ctx.state.countTokenRequest();
  const body = await readBody(req);
  const params = new URLSearchParams(body.toString("utf8"));
  const grantType = params.get("grant_type");
  if (grantType !== null) info.grantType = grantType.slice(0, 64);
  if (applyTokenMode(ctx, service, res, info)) return null;
  if (grantType === "refresh_token" && ctx.state.mode(service) === "refresh_slow") {
    // A refresh held open, then served as usual (rotation included): lets a test disconnect mid-refresh.
    await new Promise((resolve) => setTimeout(resolve, SLOW_REFRESH_MS));
  }
  if (grantType === "refresh_token") ctx.state.countRefresh(service);
  if (mediaType(req) !== "application/x-www-form-urlencoded") {
    throw new OAuthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
  }
  return params;
}

/**
 * Redeems a single-use authorization code; any mismatch is `invalid_grant`. A code issued with a PKCE
 * challenge needs the matching `codeVerifier`; a failed check burns the code (a redirect_uri mismatch
 * does not). Without a challenge the verifier is ignored.
 */
export function redeemCode(
  args: RouteArgs,
  service: ServiceId,
  code: string,
  clientId: string,
  redirectUri: string | undefined,
  codeVerifier?: string,
): AuthCode {
  const { ctx, info } = args;
  const entry = ctx.state.codes.get(code);
  if (!entry || entry.service !== service || entry.clientId !== clientId) {
    throw new OAuthError(400, "invalid_grant", "Unknown authorization code.");
  }
  info.account = entry.account;
  if (entry.used) throw new OAuthError(400, "invalid_grant", "Authorization code was already used.");
  if (entry.expiresAt <= Date.now()) throw new OAuthError(400, "invalid_grant", "Authorization code expired.");
  if (redirectUri !== entry.redirectUri) {
    throw new OAuthError(400, "invalid_grant", "redirect_uri does not match the authorization request.");
  }
  entry.used = true;
  if (entry.codeChallenge !== undefined) {
    info.pkce = true;
    if (codeVerifier === undefined) {
      throw new OAuthError(400, "invalid_grant", "code_verifier is required: the authorization request had a code_challenge.");
    }
    if (!verifierMatches(codeVerifier, entry.codeChallenge)) {
      throw new OAuthError(400, "invalid_grant", "code_verifier does not match the code_challenge.");
    }
  }
  return entry;
}

/**
 * Finds an active refresh token of this client and its grant; otherwise `invalid_grant`
 * (always, for a known token, under `refresh_invalid_grant`). A token already rotated away is
 * flagged `reused` and counted (RFC 9700 §4.14), then refused like any other spent token.
 */
export function findRefreshGrant(args: RouteArgs, service: ServiceId, value: string, clientId: string): { token: IssuedToken; grant: Grant } {
  const { ctx, info } = args;
  const token = ctx.state.find(service, "refresh", value);
  const grant = token?.grantId !== undefined ? ctx.state.grants.get(token.grantId) : undefined;
  if (!token || !grant || token.clientId !== clientId) {
    throw new OAuthError(400, "invalid_grant", "Unknown refresh token.");
  }
  info.account = grant.account;
  if (token.rotated) {
    info.reused = true;
    ctx.state.countReuse(service);
  }
  applyRefreshMode(ctx, service);
  if (!ctx.state.isActive(token) || grant.refreshToken !== value) {
    throw new OAuthError(400, "invalid_grant", "Refresh token is revoked or was already used.");
  }
  return { token, grant };
}

/**
 * Reads a revocation request body, applies `revoke_503` and requires a form body.
 * Returns null when the failure mode already answered.
 */
export async function readRevokeRequest(args: RouteArgs, service: ServiceId): Promise<URLSearchParams | null> {
  const { ctx, req, res, info } = args;
  info.endpoint = "revoke";
  const body = await readBody(req);
  if (applyRevokeMode(ctx, service, res)) return null;
  if (mediaType(req) !== "application/x-www-form-urlencoded") {
    throw new OAuthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
  }
  return new URLSearchParams(body.toString("utf8"));
}

/** RFC 7009 §2.2: an empty 200, whether or not the token was known. */
export function sendRevoked(args: RouteArgs): void {
  args.res.writeHead(200, { "Cache-Control": "no-store", "Content-Length": 0 });
  args.res.end();
}
