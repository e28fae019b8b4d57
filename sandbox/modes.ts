/** Failure modes that replace or alter a token or revoke endpoint's normal answer. */
import type { ServerResponse } from "node:http";
import { SERVICE_NAMES, type ServiceId } from "./config.js";
import type { SandboxContext } from "./context.js";
import { OAuthError, sendJson } from "./http.js";
import type { RequestInfo } from "./state.js";

/** `random_faults`: probability of a 503 answer, then of a hang like `token_timeout` (else served normally). */
export const RANDOM_FAULT_503 = 0.25;
export const RANDOM_FAULT_TIMEOUT = 0.15;

/**
 * The fault `random_faults` picks for one request, from the service's (possibly seeded) stream:
 * `token_503` (p 0.25), `token_timeout` (p 0.15) or none (p 0.6).
 */
function randomFault(ctx: SandboxContext, service: ServiceId): "token_503" | "token_timeout" | undefined {
  const draw = ctx.state.random(service);
  if (draw < RANDOM_FAULT_503) return "token_503";
  if (draw < RANDOM_FAULT_503 + RANDOM_FAULT_TIMEOUT) return "token_timeout";
  return undefined;
}

/**
 * Applies `token_503`, `token_timeout`, `token_invalid_json`, `random_faults` or `client_rejected` (401
 * `invalid_client`, as after a rotated client secret) to a token endpoint
 * (for FitRankings: the master-token endpoint). Returns true when it answered (or holds the request):
 * the request is then not processed at all, so nothing is redeemed, rotated or spent.
 */
export function applyTokenMode(ctx: SandboxContext, service: ServiceId, res: ServerResponse, info: RequestInfo): boolean {
  const configured = ctx.state.mode(service);
  const mode = configured === "random_faults" ? randomFault(ctx, service) : configured;
  if (mode === "client_rejected") {
    // As a service answers after an operator mistyped or rotated the client secret (RFC 6749 §5.2).
    sendJson(res, 401, { error: "invalid_client", error_description: "Sandbox mode client_rejected: client authentication failed." });
    return true;
  }
  if (mode === "token_503") {
    sendJson(res, 503, { error: "temporarily_unavailable", error_description: `Sandbox mode ${configured}.` });
    return true;
  }
  if (mode === "token_invalid_json") {
    const body = "<html><body><h1>Service maintenance</h1></body></html>";
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
    return true;
  }
  if (mode === "token_timeout") {
    info.pendingStatus = 504;
    const timer = setTimeout(() => {
      ctx.timers.delete(timer);
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 504, { error: "temporarily_unavailable", error_description: `Sandbox mode ${configured}.` });
      }
    }, ctx.config.tokenTimeoutMs);
    timer.unref();
    ctx.timers.add(timer);
    res.on("close", () => {
      clearTimeout(timer);
      ctx.timers.delete(timer);
    });
    return true;
  }
  return false;
}

/**
 * Applies `revoke_503` (503: try again later) or `revoke_refused` (400 `unsupported_token_type`, RFC 7009
 * §2.2.1: a definite refusal; the token stays active) to a revoke endpoint. Returns true when it answered.
 */
export function applyRevokeMode(ctx: SandboxContext, service: ServiceId, res: ServerResponse): boolean {
  const mode = ctx.state.mode(service);
  if (mode === "revoke_503") {
    sendJson(res, 503, { error: "temporarily_unavailable", error_description: "Sandbox mode revoke_503." });
    return true;
  }
  if (mode === "revoke_refused") {
    sendJson(res, 400, { error: "unsupported_token_type", error_description: "Sandbox mode revoke_refused." });
    return true;
  }
  return false;
}

/** How long `refresh_slow` holds a refresh request before serving it normally, in milliseconds. */
export const SLOW_REFRESH_MS = 1_000;

/** Access-token lifetime, in seconds, under `short_expiry`. */
export const SHORT_EXPIRY_SECONDS = 305;

/** The lifetime to give a new access token: `SHORT_EXPIRY_SECONDS` under `short_expiry`, else `normalSeconds`. */
export function accessTokenTtl(ctx: SandboxContext, service: ServiceId, normalSeconds: number): number {
  return ctx.state.mode(service) === "short_expiry" ? SHORT_EXPIRY_SECONDS : normalSeconds;
}

/** True under `omit_refresh_token`: a refresh answers without `refresh_token` and keeps the used one valid. */
export function omitsRefreshToken(ctx: SandboxContext, service: ServiceId): boolean {
  return ctx.state.mode(service) === "omit_refresh_token";
}

/**
 * Applies `refresh_invalid_grant` (and ExorLive's `user_removed`, which also makes Authorize.aspx answer
 * `invalid_user`, as after the user was deleted) to a refresh request: `invalid_grant`, as if the user had
 * revoked access at the service. Nothing is revoked in the sandbox, so clearing the mode restores refreshes.
 */
export function applyRefreshMode(ctx: SandboxContext, service: ServiceId): void {
  const mode = ctx.state.mode(service);
  if (mode !== "refresh_invalid_grant" && mode !== "user_removed") return;
  throw new OAuthError(400, "invalid_grant", `The user revoked access at ${SERVICE_NAMES[service]} (sandbox mode refresh_invalid_grant).`);
}
