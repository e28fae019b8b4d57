/** FitRankings emulator: /iq/oauth2/ (callback with token & user_id), master token, /iq/users/me/. */
import { renderErrorPage } from "../consent-page.js";
import type { RouteArgs, ServiceRouter } from "../context.js";
import { applyTokenMode } from "../modes.js";
import { OAuthError, allowMethod, isValidRedirectUri, mediaType, readBody, safeEqual, sendHtml, sendJson, single } from "../http.js";
import { fitrankingsUserId, newToken } from "../tokens.js";
import { CONSENT_PATH, handleConsentDecision, showConsent } from "./browser-flow.js";

/** `GET /iq/oauth2/?client_id&callback_uri`: consent page; extra parameters are ignored, never echoed. */
function authorize(args: RouteArgs): void {
  const { ctx, res, query, info } = args;
  info.endpoint = "authorize";
  const fail = (message: string): void => sendHtml(res, 400, renderErrorPage("fitrankings", message));
  let clientId: string | undefined;
  let callbackUri: string | undefined;
  try {
    clientId = single(query, "client_id");
    callbackUri = single(query, "callback_uri");
  } catch (err) {
    fail(err instanceof OAuthError ? err.description : "Malformed request.");
    return;
  }
  if (clientId === undefined || clientId !== ctx.config.fitrankings.clientId) {
    fail("Unknown client_id.");
    return;
  }
  if (callbackUri === undefined || callbackUri === "") {
    callbackUri = ctx.state.lastCallbackUri.get(clientId);
    if (callbackUri === undefined) {
      fail("Missing callback_uri and no previous one to reuse.");
      return;
    }
  } else if (!isValidRedirectUri(callbackUri)) {
    fail("Invalid callback_uri (an absolute http(s) URL without fragment is required).");
    return;
  } else {
    ctx.state.lastCallbackUri.set(clientId, callbackUri);
  }
  showConsent(args, { service: "fitrankings", clientId, redirectUri: callbackUri, scope: [] });
}

function detail(args: RouteArgs, status: number, message: string): void {
  sendJson(args.res, status, { detail: message });
}

/** `POST /iq/tokens/master-token/` with JSON `{client_id, client_secret}`. */
async function masterToken(args: RouteArgs): Promise<void> {
  const { ctx, req, res, info } = args;
  info.endpoint = "master-token";
  ctx.state.countTokenRequest();
  const body = await readBody(req);
  if (applyTokenMode(ctx, "fitrankings", res, info)) return;
  if (ctx.state.mode("fitrankings") === "master_token_401") {
    detail(args, 401, "Invalid client credentials.");
    return;
  }
  const type = mediaType(req);
  if (type !== "application/json") {
    detail(args, 415, `Unsupported media type "${type.slice(0, 100)}" in request.`);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    detail(args, 400, "JSON parse error.");
    return;
  }
  const record = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const missing: Record<string, string[]> = {};
  for (const field of ["client_id", "client_secret"]) {
    const value = record[field];
    if (typeof value !== "string" || value === "") missing[field] = ["This field is required."];
  }
  if (Object.keys(missing).length > 0) {
    sendJson(res, 400, missing);
    return;
  }
  const expected = ctx.config.fitrankings;
  const clientId = String(record.client_id);
  if (!safeEqual(clientId, expected.clientId) || !safeEqual(String(record.client_secret), expected.clientSecret)) {
    detail(args, 401, "Invalid client credentials.");
    return;
  }
  let value = ctx.state.masterTokens.get(clientId);
  if (value === undefined) {
    value = newToken("fr", "mt");
    ctx.state.masterTokens.set(clientId, value);
    ctx.state.issue("fitrankings", "master", value, clientId);
  }
  sendJson(res, 200, { token: value });
}

/**
 * `GET /iq/users/me/` with `Authorization: Token <user token>` (or Bearer): the user the token belongs to,
 * `{id, username}`; 401 for a missing, unknown or other kind of token. TrainLink verifies each callback with it.
 */
function me(args: RouteArgs): void {
  const { ctx, req, res, info } = args;
  info.endpoint = "verify";
  const match = /^(?:Token|Bearer) +(\S+) *$/i.exec(req.headers.authorization ?? "");
  const value = match?.[1];
  if (value === undefined) {
    sendJson(res, 401, { detail: "Authentication credentials were not provided." }, { "WWW-Authenticate": "Token" });
    return;
  }
  const found = ctx.state.find("fitrankings", "user", value);
  if (!found || !ctx.state.isActive(found) || found.account === undefined) {
    sendJson(res, 401, { detail: "Invalid token." }, { "WWW-Authenticate": "Token" });
    return;
  }
  info.account = found.account;
  sendJson(res, 200, { id: Number(fitrankingsUserId(found.account)), username: found.account });
}

/** `GET /iq/activities/` with `Authorization: Token <master token>`: activities of all users (doc: "Master Token"). */
function activities(args: RouteArgs): void {
  const { ctx, req, res } = args;
  const value = /^(?:Token|Bearer) +(\S+) *$/i.exec(req.headers.authorization ?? "")?.[1];
  const current = ctx.state.masterTokens.get(ctx.config.fitrankings.clientId);
  if (value === undefined || current === undefined || !safeEqual(value, current)) {
    sendJson(res, 401, { detail: "Invalid token." }, { "WWW-Authenticate": "Token" });
    return;
  }
  sendJson(res, 200, { count: 0, next: null, previous: null, results: [] });
}

/** Routes `/fitrankings/...`. */
export const fitrankings: ServiceRouter = async (args) => {
  const { req, res } = args;
  switch (args.path) {
    case "/iq/oauth2/":
    case "/iq/oauth2":
      if (allowMethod(req, res, "GET")) authorize(args);
      return true;
    case "/iq/tokens/master-token/":
      if (allowMethod(req, res, "POST")) await masterToken(args);
      return true;
    case "/iq/activities/":
      if (allowMethod(req, res, "GET")) activities(args);
      return true;
    case "/iq/users/me/":
      if (allowMethod(req, res, "GET")) me(args);
      return true;
    case CONSENT_PATH:
      if (allowMethod(req, res, "POST")) {
        await handleConsentDecision(args, "fitrankings", false, (pending, username) => {
          const value = newToken("fr", "ut");
          args.ctx.state.issue("fitrankings", "user", value, pending.clientId, { account: username });
          return [
            ["token", value],
            ["user_id", fitrankingsUserId(username)],
          ];
        });
      }
      return true;
    default:
      return false;
  }
};
