/** Failure modes that replace a token or revoke endpoint's normal answer. */
import type { ServerResponse } from "node:http";
import type { ServiceId } from "./config.js";
import type { SandboxContext } from "./context.js";
import { sendJson } from "./http.js";
import type { RequestInfo } from "./state.js";

/**
 * Applies `token_503`, `token_timeout` or `token_invalid_json` to a token endpoint
 * (for FitRankings: the master-token endpoint). Returns true when it answered.
 */
export function applyTokenMode(
  ctx: SandboxContext,
  service: ServiceId,
  res: ServerResponse,
  info: RequestInfo,
): boolean {
  const mode = ctx.state.mode(service);
  if (mode === "token_503") {
    sendJson(res, 503, { error: "temporarily_unavailable", error_description: "Sandbox mode token_503." });
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
        sendJson(res, 504, { error: "temporarily_unavailable", error_description: "Sandbox mode token_timeout." });
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

/** Applies `revoke_503` to a revoke endpoint. Returns true when it answered. */
export function applyRevokeMode(ctx: SandboxContext, service: ServiceId, res: ServerResponse): boolean {
  if (ctx.state.mode(service) !== "revoke_503") return false;
  sendJson(res, 503, { error: "temporarily_unavailable", error_description: "Sandbox mode revoke_503." });
  return true;
}
