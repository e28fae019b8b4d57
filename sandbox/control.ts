/** The test control API under /__sandbox (JSON). */
import type { IncomingMessage, ServerResponse } from "node:http";
import { SERVICE_IDS, isServiceId, type ServiceId } from "./config.js";
import type { SandboxContext } from "./context.js";
import { allowMethod, readBody, sendJson } from "./http.js";
import { USERNAME_PATTERN } from "./services/browser-flow.js";
import { WEBHOOK_KINDS, isWebhookKind, sendEnducoWebhook } from "./services/enduco-webhooks.js";
import { MODES, MODES_BY_SERVICE, type Mode } from "./state.js";

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const body = await readBody(req);
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function currentModes(ctx: SandboxContext): Record<ServiceId, Mode> {
  const out = {} as Record<ServiceId, Mode>;
  for (const id of SERVICE_IDS) out[id] = ctx.state.mode(id);
  return out;
}

/** Parses an optional `service` filter; null (after answering 400) when it is not a service id. */
function serviceFilter(res: ServerResponse, query: URLSearchParams): ServiceId | undefined | null {
  const service = query.get("service");
  if (service === null || service === "") return undefined;
  if (!isServiceId(service)) {
    sendJson(res, 400, { error: "unknown_service" });
    return null;
  }
  return service;
}

/** `POST /__sandbox/enduco/webhook` `{kind, account}`: has enduco notify the app about a sandbox account. */
async function enducoWebhook(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
  if (!body) {
    sendJson(res, 400, { error: "invalid_json" });
    return;
  }
  const { kind, account } = body;
  if (!isWebhookKind(kind)) {
    sendJson(res, 400, { error: "unknown_kind", kinds: WEBHOOK_KINDS });
    return;
  }
  if (typeof account !== "string" || !USERNAME_PATTERN.test(account)) {
    sendJson(res, 400, { error: "invalid_account" });
    return;
  }
  const result = await sendEnducoWebhook(ctx, kind, account);
  if (result.outcome === "not_configured") sendJson(res, 409, { error: "webhook_url_not_configured" });
  else if (result.outcome === "unreachable") sendJson(res, 502, { error: "webhook_unreachable" });
  else sendJson(res, 200, { delivered: true, status: result.status });
}

/** Handles `/__sandbox/<path>`; returns false for unknown paths. */
export async function handleControl(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<boolean> {
  switch (path) {
    case "/health":
      if (allowMethod(req, res, "GET")) sendJson(res, 200, { ok: true });
      return true;
    case "/reset":
      if (allowMethod(req, res, "POST")) {
        await readBody(req);
        ctx.state.reset();
        sendJson(res, 200, { ok: true });
      }
      return true;
    case "/mode": {
      if (req.method === "GET" || req.method === "HEAD") {
        sendJson(res, 200, currentModes(ctx));
        return true;
      }
      if (!allowMethod(req, res, "POST")) return true;
      const body = await readJson(req);
      if (!body) {
        sendJson(res, 400, { error: "invalid_json" });
        return true;
      }
      const { service, mode } = body;
      if (!isServiceId(service)) {
        sendJson(res, 400, { error: "unknown_service", services: SERVICE_IDS });
        return true;
      }
      const allowed = MODES_BY_SERVICE[service];
      if (typeof mode !== "string" || !(MODES as readonly string[]).includes(mode) || !allowed.includes(mode as Mode)) {
        sendJson(res, 400, { error: "unknown_mode", modes: allowed });
        return true;
      }
      if (mode === "normal") ctx.state.modes.delete(service);
      else ctx.state.modes.set(service, mode as Mode);
      sendJson(res, 200, currentModes(ctx));
      return true;
    }
    case "/latency": {
      // GET: the added latency of every service call; POST {"ms": n}: change it (0-60000) until the next change.
      if (req.method === "GET") {
        sendJson(res, 200, { ms: ctx.config.latencyMs });
        return true;
      }
      if (!allowMethod(req, res, "POST")) return true;
      const body = await readJson(req);
      const ms = body?.ms;
      if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > 60_000) {
        sendJson(res, 400, { error: "invalid_latency", error_description: "ms must be a whole number of milliseconds, 0-60000" });
        return true;
      }
      ctx.config.latencyMs = ms;
      sendJson(res, 200, { ms });
      return true;
    }
    case "/seed": {
      // Makes random_faults reproducible until the next reset.
      if (!allowMethod(req, res, "POST")) return true;
      const body = await readJson(req);
      if (!body) {
        sendJson(res, 400, { error: "invalid_json" });
        return true;
      }
      const { seed } = body;
      if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
        sendJson(res, 400, { error: "invalid_seed" });
        return true;
      }
      ctx.state.setSeed(seed);
      sendJson(res, 200, { seed });
      return true;
    }
    case "/stats":
      if (allowMethod(req, res, "GET")) sendJson(res, 200, ctx.state.statsSnapshot());
      return true;
    case "/requests": {
      if (!allowMethod(req, res, "GET")) return true;
      const service = serviceFilter(res, query);
      if (service === null) return true;
      const endpoint = query.get("endpoint");
      sendJson(
        res,
        200,
        ctx.state.requests.filter((r) => (service === undefined || r.service === service) && (!endpoint || r.endpoint === endpoint)),
      );
      return true;
    }
    case "/counts": {
      // Counts of every request since start or reset (not capped like /requests): one row per
      // service, endpoint, grantType, status and account. Filters: service, endpoint, grantType.
      if (!allowMethod(req, res, "GET")) return true;
      const service = serviceFilter(res, query);
      if (service === null) return true;
      const endpoint = query.get("endpoint");
      const grantType = query.get("grantType");
      const rows = [];
      for (const [key, count] of ctx.state.counts) {
        const [s, e, g, status, account] = JSON.parse(key) as [string, string, string | null, number, string | null];
        if ((service !== undefined && s !== service) || (endpoint && e !== endpoint) || (grantType && g !== grantType)) continue;
        rows.push({ service: s, endpoint: e, grantType: g, status, account, count });
      }
      sendJson(res, 200, rows);
      return true;
    }
    case "/tokens": {
      if (!allowMethod(req, res, "GET")) return true;
      const service = serviceFilter(res, query);
      if (service === null) return true;
      const now = Date.now();
      const list = [...ctx.state.tokens.values()]
        .filter((t) => service === undefined || t.service === service)
        .map((t) => ({
          service: t.service,
          kind: t.kind,
          value: t.value,
          ...(t.account !== undefined ? { account: t.account } : {}),
          issuedAt: new Date(t.issuedAt).toISOString(),
          ...(t.expiresAt !== undefined ? { expiresAt: new Date(t.expiresAt).toISOString() } : {}),
          active: ctx.state.isActive(t, now),
        }));
      sendJson(res, 200, list);
      return true;
    }
    case "/expire": {
      if (!allowMethod(req, res, "POST")) return true;
      const body = await readJson(req);
      if (!body) {
        sendJson(res, 400, { error: "invalid_json" });
        return true;
      }
      const { service, account } = body;
      if (!isServiceId(service)) {
        sendJson(res, 400, { error: "unknown_service", services: SERVICE_IDS });
        return true;
      }
      if (account !== undefined && typeof account !== "string") {
        sendJson(res, 400, { error: "invalid_account" });
        return true;
      }
      sendJson(res, 200, { expired: ctx.state.expireAccessTokens(service, account) });
      return true;
    }
    case "/fitrankings/rotate-master-token": {
      // The service replaces the app's master token: the stored one is rejected from now on.
      if (!allowMethod(req, res, "POST")) return true;
      ctx.state.masterTokens.clear();
      sendJson(res, 200, { rotated: true });
      return true;
    }
    case "/fitrankings/revoke-user-token": {
      // The user removes TrainLink at FitRankings: from now on their user token answers 401, as a bad token does.
      if (!allowMethod(req, res, "POST")) return true;
      const body = await readJson(req);
      if (!body) {
        sendJson(res, 400, { error: "invalid_json" });
        return true;
      }
      const { account } = body;
      if (typeof account !== "string" || !USERNAME_PATTERN.test(account)) {
        sendJson(res, 400, { error: "invalid_account" });
        return true;
      }
      sendJson(res, 200, { revoked: ctx.state.revokeUserTokens(account) });
      return true;
    }
    case "/enduco/webhook":
      if (allowMethod(req, res, "POST")) await enducoWebhook(ctx, req, res);
      return true;
    case "/enduco/jwks":
      if (allowMethod(req, res, "GET")) sendJson(res, 200, { keys: [ctx.signing.publicJwk] });
      return true;
    default:
      return false;
  }
}
