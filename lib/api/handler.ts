import "server-only";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { NextRequest } from "next/server";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { apiKeys, API_KEY_SCOPES, type ApiKeyScope } from "@/db/schema";
import { ApiProblem, problemResponse } from "@/lib/api/problem";
import { readCappedText, type RouteParams } from "@/lib/route";

/**
 * STUB (apiroutes branch): the API-keys branch owns this file (rate limits, last use); the lead takes its version
 * at merge. Same exports.
 */

/** Who called: the API key that authenticated the request. */
export interface ApiCaller {
  keyId: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
}

const KEY = /^tlk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;

async function authenticate(request: NextRequest): Promise<ApiCaller | null> {
  const match = /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "");
  if (!match?.[1] || !KEY.test(match[1])) return null;
  const row = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, createHash("sha256").update(match[1]).digest("hex")))
    .limit(1)
    .then(firstRow);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
  const scopes = row.scopes.split(" ").filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s));
  return { keyId: row.id, name: row.name, prefix: row.prefix, scopes };
}

/**
 * Wraps an /api/v1 route handler: authenticates `Authorization: Bearer <key>` (401 problem with
 * `WWW-Authenticate: Bearer` otherwise), checks `scope` (403 problem), turns a thrown ApiProblem into its answer
 * and anything else into a 500 problem (error name only in the log). Every answer gets `Cache-Control: no-store`.
 */
export function withApiKey<P extends RouteParams = Record<string, never>>(
  scope: ApiKeyScope,
  handler: (req: { request: NextRequest; caller: ApiCaller; params: P }) => Response | Promise<Response>,
): (request: NextRequest, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    try {
      const caller = await authenticate(request);
      if (!caller)
        return problemResponse(
          401,
          { title: "Unauthorized", detail: "Send a valid, unrevoked API key as `Authorization: Bearer <key>`." },
          { "WWW-Authenticate": 'Bearer realm="trainlink"' },
        );
      if (!caller.scopes.includes(scope))
        return problemResponse(403, { title: "Forbidden", detail: `This API key lacks the scope ${scope}; an admin can create a key that has it.` });
      const response = await handler({ request, caller, params: ((await context?.params) ?? {}) as P });
      response.headers.set("Cache-Control", "no-store");
      return response;
    } catch (error) {
      if (error instanceof ApiProblem) return problemResponse(error.status, error.body, error.headers);
      console.error(`[api] ${request.method} ${request.nextUrl.pathname} failed: ${error instanceof Error ? error.name : "error"}`);
      return problemResponse(500, { title: "Internal Server Error", detail: "Something went wrong on our side. Please try again." });
    }
  };
}

/** The request's JSON body (at most `limitBytes`, default 64 KiB); throws ApiProblem 413 when longer, 400 when not JSON. */
export async function readJsonBody(request: Request, limitBytes = 65_536): Promise<unknown> {
  const text = await readCappedText(request, limitBytes);
  if (text === null) throw new ApiProblem(413, { title: "Content Too Large", detail: `The body must be at most ${limitBytes} bytes.` });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiProblem(400, { title: "Bad Request", detail: "The body is not valid JSON." });
  }
}
