/** The sandbox HTTP server: routing, request logging and recording, start/stop. */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import { configFromEnv, isServiceId, type Env, type ServiceId } from "./config.js";
import { renderIndexPage } from "./consent-page.js";
import type { SandboxContext, ServiceRouter, SigningKeys } from "./context.js";
import { handleControl } from "./control.js";
import { BodyTooLargeError, OAuthError, allowMethod, sendHtml, sendJson, sendOAuthError } from "./http.js";
import { enduco } from "./services/enduco.js";
import { exorlive } from "./services/exorlive.js";
import { fitrankings } from "./services/fitrankings.js";
import { trainerday } from "./services/trainerday.js";
import { SandboxState, type RequestInfo } from "./state.js";

const ROUTERS: Record<ServiceId, ServiceRouter> = { trainerday, enduco, fitrankings, exorlive };

export interface StartSandboxOptions {
  /** Port to listen on; 0 picks a free one. Default 4010. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Environment to read client credentials and enduco webhook URLs from (the app's variable names). Default process.env. */
  env?: Env;
  /** Authorization code lifetime in ms. Default 30 000. */
  codeTtlMs?: number;
  /** How long `token_timeout` holds a token request, in ms. Default 60 000. */
  tokenTimeoutMs?: number;
  /** Timeout of one enduco webhook delivery, in ms. Default 5 000. */
  webhookTimeoutMs?: number;
  /** Added to every service API call, in ms (real services take 100-500 ms). Default SANDBOX_LATENCY_MS, else 0. */
  latencyMs?: number;
  /** Receives one log line per request. Default console.log. */
  log?: (line: string) => void;
}

export interface RunningSandbox {
  /** e.g. `http://127.0.0.1:4010`; service base URLs are `${url}/trainerday` etc. */
  url: string;
  close(): Promise<void>;
}

function splitUrl(raw: string): { path: string; query: URLSearchParams } {
  const q = raw.indexOf("?");
  return {
    path: q >= 0 ? raw.slice(0, q) : raw,
    query: new URLSearchParams(q >= 0 ? raw.slice(q + 1) : ""),
  };
}

/** The path as logged: no query string, no control characters, bounded length. */
function loggablePath(path: string): string {
  return path.replace(/[\x00-\x1f\x7f]/g, "?").slice(0, 200);
}

async function route(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  info: RequestInfo,
): Promise<boolean> {
  if (path === "/") {
    if (allowMethod(req, res, "GET")) sendHtml(res, 200, renderIndexPage(ctx.baseUrl));
    return true;
  }
  if (path === "/__sandbox" || path.startsWith("/__sandbox/")) {
    return handleControl(ctx, req, res, path.slice("/__sandbox".length), query);
  }
  const slash = path.indexOf("/", 1);
  const prefix = slash < 0 ? path.slice(1) : path.slice(1, slash);
  if (!isServiceId(prefix)) return false;
  info.service = prefix;
  if (ctx.config.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, ctx.config.latencyMs));
  const rest = slash < 0 ? "/" : path.slice(slash);
  return ROUTERS[prefix]({ ctx, req, res, path: rest, query, info });
}

async function handle(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, log: (line: string) => void): Promise<void> {
  const { path, query } = splitUrl(req.url ?? "/");
  const method = req.method ?? "GET";
  res.on("close", () => {
    log(`${method} ${loggablePath(path)} ${res.writableFinished ? res.statusCode : "aborted"}`);
  });
  const info: RequestInfo = {};
  try {
    const found = await route(ctx, req, res, path, query, info);
    if (!found) sendJson(res, 404, { error: "not_found" });
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
    } else if (err instanceof BodyTooLargeError) {
      sendJson(res, 413, { error: "payload_too_large" });
    } else if (err instanceof OAuthError) {
      sendOAuthError(res, err);
    } else {
      console.error(`sandbox: internal error on ${method} ${loggablePath(path)}: ${err instanceof Error ? err.name : "unknown"}`);
      sendJson(res, 500, { error: "server_error" });
    }
  }
  if (info.service !== undefined && info.endpoint !== undefined) {
    ctx.state.record({
      service: info.service,
      endpoint: info.endpoint,
      ...(info.grantType !== undefined ? { grantType: info.grantType } : {}),
      status: res.headersSent ? res.statusCode : (info.pendingStatus ?? 0),
      ...(info.account !== undefined ? { account: info.account } : {}),
      ...(info.pkce !== undefined ? { pkce: info.pkce } : {}),
      ...(info.clientAuth !== undefined ? { clientAuth: info.clientAuth } : {}),
      ...(info.reused !== undefined ? { reused: info.reused } : {}),
      at: new Date().toISOString(),
    });
  }
}

async function createSigningKeys(): Promise<SigningKeys> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicJwk };
}

/** Starts the sandbox server; resolves once it listens. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? ((line: string) => console.log(line));
  const config = configFromEnv(options.env ?? process.env);
  if (options.codeTtlMs !== undefined) config.codeTtlMs = options.codeTtlMs;
  if (options.tokenTimeoutMs !== undefined) config.tokenTimeoutMs = options.tokenTimeoutMs;
  if (options.webhookTimeoutMs !== undefined) config.webhookTimeoutMs = options.webhookTimeoutMs;
  if (options.latencyMs !== undefined) config.latencyMs = options.latencyMs;
  const ctx: SandboxContext = {
    config,
    state: new SandboxState(),
    baseUrl: "",
    signing: await createSigningKeys(),
    timers: new Set(),
  };
  const server = createServer((req, res) => {
    handle(ctx, req, res, log).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: "server_error" });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4010, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  ctx.baseUrl = `http://${hostForUrl}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url: ctx.baseUrl,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of ctx.timers) clearTimeout(timer);
        ctx.timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
