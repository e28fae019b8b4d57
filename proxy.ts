import { NextResponse, type NextRequest } from "next/server";
import { loginPathFor } from "@/lib/redirects";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/lib/request-id";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * True for a state-changing request (POST, PUT, PATCH, DELETE) whose Origin header is present but not this app's
 * origin, or is "null" (docs/SECURITY.md row 11). Requests without Origin (server-to-server webhooks, curl) are
 * not refused here: the handler has its own checks.
 */
function crossOrigin(request: NextRequest): boolean {
  if (!UNSAFE_METHODS.has(request.method)) return false;
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return origin === "null" || new URL(origin).host !== host;
  } catch {
    return true;
  }
}

/**
 * Runs before route handlers under /api and before server actions (POSTs carrying `Next-Action`); on plain page
 * views only for signed-out visitors of a signed-in section (no session cookie at all: see config), never for a
 * signed-in one, where it would cost about 2 ms a request.
 *
 * - A signed-out page view of a signed-in section goes to sign in, carrying the requested path and query
 *   (isSignedOutPageView).
 * - Gives the request an id: its `x-request-id` when it has the strict shape requestIdFrom accepts (a load
 *   balancer's), else a random UUID; forwarded to the app as `x-request-id` (the route and action wrappers log
 *   it as `requestId`) and set on the response.
 * - Under /api, refuses a cross-origin state-changing request with 403 `{ "error": "cross_origin_request_refused" }`
 *   (crossOrigin). Server actions are checked by Next.js itself; this proxy is never the only gate.
 */
export function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers);
  const path = request.nextUrl.pathname;
  let response: NextResponse;
  if (isSignedOutPageView(request)) {
    // Issue 18 point 5: the layouts only know "not signed in", not which page was asked for; carry it here.
    const query = new URLSearchParams(request.nextUrl.search);
    query.delete("_rsc"); // a client navigation's cache key, not part of the page asked for
    const search = query.size > 0 ? `?${query}` : "";
    response = NextResponse.redirect(new URL(loginPathFor(path + search, request.nextUrl.origin), request.nextUrl.origin), 307);
  } else if ((path === "/api" || path.startsWith("/api/")) && crossOrigin(request)) {
    response = NextResponse.json({ error: "cross_origin_request_refused" }, { status: 403 });
  } else {
    const headers = new Headers(request.headers);
    headers.set(REQUEST_ID_HEADER, requestId);
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

/**
 * The session cookie names next-auth may use (plain over http, `__Secure-` over https; `.0` when chunked). The
 * page matchers below only run when none is present, so signed-in page views never pay for this proxy.
 */
const SESSION_COOKIES = [
  "next-auth.session-token",
  "__Secure-next-auth.session-token",
  "next-auth.session-token.0",
  "__Secure-next-auth.session-token.0",
];

/**
 * A GET or HEAD of a page in a signed-in section (/connections, /coach, /admin, /settings; not an /export
 * download) without any session cookie and not a server action: answered with 307 to `/login?callbackUrl=<path and query>` (lib/redirects.ts
 * loginPathFor, which keeps only our own paths). A cookie that is present but stale (signed out elsewhere, a
 * disabled account) still reaches the layouts, which send the visitor to plain /login.
 */
function isSignedOutPageView(request: NextRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  if (request.headers.has("next-action")) return false;
  const path = request.nextUrl.pathname;
  if (path === "/api" || path.startsWith("/api/")) return false;
  // CSV downloads (/coach/export, /admin/…/export) are route handlers: they answer signed-out callers themselves
  // (303 /login), and loading one after sign-in would leave the sign-in form on screen behind a download.
  if (path.endsWith("/export")) return false;
  return !SESSION_COOKIES.some((name) => request.cookies.has(name));
}

// Next.js reads this object statically: literals only (the cookie names are SESSION_COOKIES'). The
// page entries run only when no session cookie is present.
export const config = {
  matcher: [
    "/api/:path*",
    { source: "/((?!_next/static|_next/image).*)", has: [{ type: "header", key: "next-action" }] },
    {
      source: "/connections",
      missing: [
        { type: "cookie", key: "next-auth.session-token" },
        { type: "cookie", key: "__Secure-next-auth.session-token" },
        { type: "cookie", key: "next-auth.session-token.0" },
        { type: "cookie", key: "__Secure-next-auth.session-token.0" },
      ],
    },
    {
      source: "/connections/:path*",
      missing: [
        { type: "cookie", key: "next-auth.session-token" },
        { type: "cookie", key: "__Secure-next-auth.session-token" },
        { type: "cookie", key: "next-auth.session-token.0" },
        { type: "cookie", key: "__Secure-next-auth.session-token.0" },
      ],
    },
    {
      source: "/coach",
      missing: [
        { type: "cookie", key: "next-auth.session-token" },
        { type: "cookie", key: "__Secure-next-auth.session-token" },
        { type: "cookie", key: "next-auth.session-token.0" },
        { type: "cookie", key: "__Secure-next-auth.session-token.0" },
      ],
    },
    {
      source: "/coach/:path*",
      missing: [
        { type: "cookie", key: "next-auth.session-token" },
        { type: "cookie", key: "__Secure-next-auth.session-token" },
        { type: "cookie", key: "next-auth.session-token.0" },
        { type: "cookie", key: "__Secure-next-auth.session-token.0" },
      ],
    },
    {
      source: "/admin",
      missing: [
        { type: "cookie", key: "next-auth.session-token" },
        { type: "cookie", key: "__Secure-next-auth.session-token" },
        { type: "cookie", key: "next-auth.session-token.0" },
        { type: "cookie", key: "__Secure-next-auth.session-token.0" },
      ],
    },
    {
      source: "/admin/:path*",
      missing: [
        { type: "cookie", key: "next-auth.session-token" },
        { type: "cookie", key: "__Secure-next-auth.session-token" },
        { type: "cookie", key: "next-auth.session-token.0" },
        { type: "cookie", key: "__Secure-next-auth.session-token.0" },
      ],
    },
    {
      source: "/settings",
      missing: [
        { type: "cookie", key: "next-auth.session-token" },
        { type: "cookie", key: "__Secure-next-auth.session-token" },
        { type: "cookie", key: "next-auth.session-token.0" },
        { type: "cookie", key: "__Secure-next-auth.session-token.0" },
      ],
    },
    {
      source: "/settings/:path*",
      missing: [
        { type: "cookie", key: "next-auth.session-token" },
        { type: "cookie", key: "__Secure-next-auth.session-token" },
        { type: "cookie", key: "next-auth.session-token.0" },
        { type: "cookie", key: "__Secure-next-auth.session-token.0" },
      ],
    },
  ],
};
