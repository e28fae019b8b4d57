import "server-only";
import { unstable_rethrow } from "next/navigation";
import { NextResponse, type NextRequest } from "next/server";
import { getCurrentUser } from "@/lib/auth/session";
import type { SessionUser } from "@/lib/auth/users";
import { can, ForbiddenError, type Permission } from "@/lib/authz";
import { errorFields, log, requestIdFrom, runWithRequestContext } from "@/lib/log";

// Kept importable from here; it lives in its own module so code without next/navigation (lib/api) can use it.
export { readCappedText } from "@/lib/capped-text";

/** A route's dynamic segments as Next.js resolves them, e.g. `{ id: string }` for `[id]`; `{}` for none. */
export type RouteParams = Record<string, string | string[] | undefined>;

/** What a guarded handler gets: the request, the signed-in user who holds the permission, the resolved params. */
export interface PermittedRequest<P extends RouteParams> {
  request: NextRequest;
  user: SessionUser;
  params: P;
}

/** The sentence of every 403 (the same as authedAction's and assertCan's). */
export const FORBIDDEN_SENTENCE = "You do not have permission to do that.";
/** The sentence of every 500: nothing about the cause, which goes to the server log only. */
export const SERVER_ERROR_SENTENCE = "Something went wrong on our side. Please try again.";

/** Sets `Cache-Control: no-store` on `response`, or on a copy when its headers are immutable (Response.redirect). */
function noStore(response: Response): Response {
  try {
    response.headers.set("Cache-Control", "no-store");
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set("Cache-Control", "no-store");
    return copy;
  }
}

/**
 * An error answer of a route handler: `{ "error": sentence }` as JSON with `status` and
 * `Cache-Control: no-store`. For a guarded handler's own refusals (e.g. 400 for a malformed query), so they
 * have the same shape as withPermission's 403 and 500. `sentence` is shown to people: one plain sentence.
 */
export function routeError(status: number, sentence: string): NextResponse {
  return NextResponse.json({ error: sentence }, { status, headers: { "Cache-Control": "no-store" } });
}

/**
 * Builds withPermission over `currentUser` (the signed-in user, or null). The app uses `withPermission`
 * (over getCurrentUser); tests pass a stub, since getCurrentUser needs a request scope.
 */
export function permissionWrapper(currentUser: () => Promise<SessionUser | null>) {
  return function withPermission<P extends RouteParams = Record<string, never>>(
    permission: Permission,
    handler: (req: PermittedRequest<P>) => Response | Promise<Response>,
  ): (request: NextRequest, context: { params: Promise<P> }) => Promise<Response> {
    return (request, context) => runWithRequestContext(requestIdFrom(request.headers), () => guarded(request, context));
    async function guarded(request: NextRequest, context: { params: Promise<P> }): Promise<Response> {
      try {
        const user = await currentUser();
        if (!user) return noStore(NextResponse.redirect(new URL("/login", request.url), 303));
        if (!can(user, permission)) return routeError(403, FORBIDDEN_SENTENCE);
        const params = ((await context?.params) ?? {}) as P;
        return noStore(await handler({ request, user, params }));
      } catch (error) {
        unstable_rethrow(error); // redirect(), notFound() and Next's own dynamic-rendering signals pass through
        if (error instanceof ForbiddenError) return routeError(403, error.message || FORBIDDEN_SENTENCE);
        log.error({ method: request.method, path: request.nextUrl.pathname, permission, ...errorFields(error) }, "route failed");
        return routeError(500, SERVER_ERROR_SENTENCE);
      }
    }
  };
}

/**
 * Wraps a route handler (`export const GET = withPermission("roster.read", async ({ request, user, params }) => …)`)
 * so one place decides who gets an answer, as authedAction (lib/actions.ts) does for server actions. It
 * implements docs/SECURITY.md row 10 (authorization in every route: the permission from lib/authz.ts, checked
 * against the user re-read from the database on each request) and row 12 (`Cache-Control: no-store` on every
 * answer).
 *
 * - Not signed in (no session, or a disabled or signed-out one): 303 to `/login`.
 * - Signed in without `permission`: 403, `{ "error": "You do not have permission to do that." }` (JSON).
 * - The handler (or a data function it calls) throws ForbiddenError: 403 with that error's message (written to
 *   be shown), so a data function's own check answers like the wrapper's.
 * - Anything else thrown (by the handler or while reading the session): 500,
 *   `{ "error": "Something went wrong on our side. Please try again." }`; the method, path (no query), permission
 *   and the error's name and code go to the server log ("route failed"), never its message; nothing to the client.
 * - The handler runs in a request context (lib/log.ts): its log lines carry the request's `requestId` (proxy.ts).
 * - Next.js's control-flow errors (redirect(), notFound(), dynamic-rendering bailouts) are rethrown untouched.
 * - Every answer, the handler's own included, carries `Cache-Control: no-store` (any other value is replaced).
 *
 * The handler gets `{ request, user, params }`, `params` already awaited (`P` is its shape; `{}` by default).
 * Errors after the handler has returned (a streamed body failing mid-way) cannot become a 500: the download then
 * ends with a network error. The result has Next.js's route-handler signature `(request, { params }) =>
 * Promise<Response>`. Protocol endpoints with their own answers (next-auth, OAuth callbacks, webhooks) do not use it.
 */
export const withPermission = permissionWrapper(getCurrentUser);
