import "server-only";
import type { NextRequest } from "next/server";
import type { ApiKeyScope } from "@/db/schema";
import { authenticateApiKey, type ApiKeyRefusal } from "@/lib/api-keys/authenticate-api-key";
import { API_KEY_PREFIX_LENGTH, parseBearer } from "@/lib/api-keys/key-format";
import type { ApiCaller } from "@/lib/api-keys/types";
import { clientAddress } from "@/lib/auth/throttle";
import { env } from "@/lib/env";
import { errorFields, log, requestIdFrom, runWithRequestContext } from "@/lib/log";
import { failed } from "@/lib/result";
import { readCappedText } from "@/lib/capped-text";
import type { RouteParams } from "@/lib/route";
import { ApiProblem, problemResponse, problemType, type ProblemBody } from "./problem";
import { RateLimiter, rateLimitHeaders } from "./rate-limit";

export type { ApiCaller } from "@/lib/api-keys/types";

/** What a wrapped handler gets: the request, the key that called (holding the scope), the awaited params. */
export interface ApiRequest<P extends RouteParams> {
  request: NextRequest;
  caller: ApiCaller;
  params: P;
}

/** The `WWW-Authenticate` challenge's realm (RFC 6750 §3). */
const REALM = 'Bearer realm="trainlink"';
const WINDOW_SECONDS = 60;

const REFUSALS: Record<ApiKeyRefusal, { slug: string; title: string; detail: string }> = {
  missing: {
    slug: "missing-api-key",
    title: "API key required",
    detail: "Send your API key as `Authorization: Bearer <key>`; a TrainLink admin can create one on the API admin page.",
  },
  malformed: {
    slug: "invalid-api-key",
    title: "Invalid API key",
    detail: "The Authorization header does not hold a TrainLink API key: send `Authorization: Bearer tlk_…` with the whole key.",
  },
  unknown: {
    slug: "invalid-api-key",
    title: "Invalid API key",
    detail: "This API key is not known: check that you copied the whole key, or ask a TrainLink admin for a new one.",
  },
  expired: { slug: "api-key-expired", title: "API key expired", detail: "This API key has expired: ask a TrainLink admin for a new key." },
  revoked: { slug: "api-key-revoked", title: "API key revoked", detail: "This API key was revoked: ask a TrainLink admin for a new key." },
};

/** The visible prefix (`tlk_` + 8 hex) of the well-formed key a request carries, for logs; never more of it. */
function keyPrefixOf(request: Request): string {
  const credentials = parseBearer(request.headers.get("authorization"));
  return credentials.kind === "key" ? credentials.key.slice(0, API_KEY_PREFIX_LENGTH) : "(none)";
}

/** `response` with `headers` set and `Cache-Control: no-store` (on a copy when its headers are immutable). */
function withHeaders(response: Response, headers: Record<string, string>): Response {
  const all = { ...headers, "Cache-Control": "no-store" };
  try {
    for (const [name, value] of Object.entries(all)) response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    for (const [name, value] of Object.entries(all)) copy.headers.set(name, value);
    return copy;
  }
}

/**
 * Builds withApiKey over a rate limiter (`limiter()`, asked on each request). The app uses `withApiKey` (one
 * limiter of API_RATE_LIMIT_PER_MINUTE per minute); tests pass a small one.
 */
export function apiKeyWrapper(limiter: () => RateLimiter) {
  return function withApiKey<P extends RouteParams = Record<string, never>>(
    scope: ApiKeyScope,
    handler: (req: ApiRequest<P>) => Response | Promise<Response>,
  ): (request: NextRequest, context: { params: Promise<P> }) => Promise<Response> {
    return (request, context) => runWithRequestContext(requestIdFrom(request.headers), () => answer(request, context));
    async function answer(request: NextRequest, context: { params: Promise<P> }): Promise<Response> {
      const instance = request.nextUrl.pathname;
      const problem = (status: number, body: ProblemBody, headers?: Record<string, string>) =>
        problemResponse(status, { ...body, instance: typeof body.instance === "string" ? body.instance : instance }, headers);
      let rate: Record<string, string> = {};
      try {
        const caller = await authenticateApiKey(
          request.headers.get("authorization"),
          clientAddress({ "x-forwarded-for": request.headers.get("x-forwarded-for") ?? undefined }),
        );
        if (failed(caller)) {
          const refusal = REFUSALS[caller.error];
          // Failed authorization is logged (docs/SECURITY.md row 13) with the key's visible prefix only, never the key.
          if (caller.error !== "missing" && caller.error !== "malformed")
            log.warn(
              { method: request.method, path: instance, status: 401, refusal: caller.error, keyPrefix: keyPrefixOf(request) },
              "api key refused",
            );
          const challenge = caller.error === "missing" ? REALM : `${REALM}, error="invalid_token"`;
          return problem(401, { type: problemType(refusal.slug), title: refusal.title, detail: refusal.detail }, { "WWW-Authenticate": challenge });
        }
        const decision = limiter().take(caller.keyId);
        rate = rateLimitHeaders(decision, WINDOW_SECONDS);
        if (!decision.allowed) {
          return problem(
            429,
            {
              type: problemType("rate-limited"),
              title: "Too many requests",
              detail: `This API key has used its ${decision.limit} requests for this minute: wait ${decision.resetSeconds} seconds (Retry-After) and try again.`,
            },
            { ...rate, "Retry-After": String(decision.resetSeconds) },
          );
        }
        if (!caller.scopes.includes(scope)) {
          log.warn({ method: request.method, path: instance, status: 403, keyPrefix: caller.prefix, scope }, "api key lacks scope");
          return problem(
            403,
            {
              type: problemType("insufficient-scope"),
              title: "Insufficient scope",
              detail: `This API key lacks the scope "${scope}", which this operation needs: ask a TrainLink admin for a key with it.`,
              scope,
            },
            { ...rate, "WWW-Authenticate": `${REALM}, error="insufficient_scope", scope="${scope}"` },
          );
        }
        const params = ((await context?.params) ?? {}) as P;
        return withHeaders(await handler({ request, caller, params }), rate);
      } catch (error) {
        if (error instanceof ApiProblem) return problem(error.status, error.body, { ...error.headers, ...rate });
        log.error({ method: request.method, path: instance, ...errorFields(error) }, "api request failed");
        return problem(500, { title: "Internal Server Error" }, rate);
      }
    }
  };
}

let defaultLimiter: RateLimiter | undefined;

/**
 * Wraps an `/api/v1` route handler (`export const GET = withApiKey("connections:read", async ({ request, caller,
 * params }) => …)`): one place decides who gets an answer and in which shape. Every refusal is an RFC 9457
 * problem (problem.ts) with `instance` = the request's path:
 *
 * - No key, a malformed, unknown, revoked or expired one (authenticateApiKey): 401 with
 *   `WWW-Authenticate: Bearer realm="trainlink"`, plus `error="invalid_token"` when a token was sent (RFC 6750 §3.1).
 * - Over the key's rate limit (API_RATE_LIMIT_PER_MINUTE per 60 s window, counted in this process's memory: each
 *   instance counts its own): 429 with `Retry-After` (seconds); the handler is not called.
 * - The key lacks `scope`: 403, `error="insufficient_scope"` in the challenge, the scope named in `detail` and `scope`.
 * - Refusals of a well-formed key (unknown, revoked, expired, lacking the scope) are logged with its prefix only
 *   ("api key refused", "api key lacks scope").
 * - The handler throws ApiProblem: that problem. Anything else thrown: 500 with no detail; the method, path (no
 *   query) and the error's name and code go to the server log ("api request failed"), never its message or the key.
 * - All of it runs in a request context (lib/log.ts): log lines carry the request's `requestId`.
 *
 * Once a key is known, every answer (the handler's own included) carries
 * `RateLimit-Policy: "default";q=<limit>;w=60` and `RateLimit: "default";r=<remaining>;t=<seconds to reset>`
 * (draft-ietf-httpapi-ratelimit-headers). Every answer carries `Cache-Control: no-store`. The handler gets the
 * awaited params (`P`, `{}` by default); the result has Next.js's route-handler signature.
 */
export const withApiKey = apiKeyWrapper(() => (defaultLimiter ??= new RateLimiter(env.API_RATE_LIMIT_PER_MINUTE, WINDOW_SECONDS * 1000)));

/** The default cap of readJsonBody, in bytes (16 KiB). */
export const JSON_BODY_LIMIT_BYTES = 16 * 1024;

/**
 * Reads `request`'s JSON body, at most `limitBytes` bytes (16 KiB by default; the rest is never read: lib/capped-text.ts
 * readCappedText). Throws ApiProblem: 415 unless `Content-Type` is `application/json` (or `…+json`), 413 when the
 * body is longer than the cap, 400 (`problemType("invalid-json")`) when it is empty or not JSON (RFC 8259).
 */
export async function readJsonBody(request: Request, limitBytes = JSON_BODY_LIMIT_BYTES): Promise<unknown> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && !/^application\/[\w.-]+\+json$/.test(type))
    throw new ApiProblem(415, {
      type: problemType("unsupported-media-type"),
      title: "Unsupported media type",
      detail: "Send the body as JSON with `Content-Type: application/json`.",
    });
  const text = await readCappedText(request, limitBytes);
  if (text === null)
    throw new ApiProblem(413, {
      type: problemType("body-too-large"),
      title: "Request body too large",
      detail: `The body is over ${limitBytes} bytes: send a smaller one.`,
    });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiProblem(400, {
      type: problemType("invalid-json"),
      title: "Invalid JSON",
      detail: "The body is not valid JSON: send a JSON object with `Content-Type: application/json`.",
    });
  }
}
