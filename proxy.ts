import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { canonicalOriginRedirect } from "@/lib/redirects";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Two guards in front of the app; neither is ever the only one.
 * - GET and HEAD under another name of this machine (127.0.0.1 when NEXTAUTH_URL says localhost) are redirected
 *   (307) to NEXTAUTH_URL's origin, so the session cookie and the services' redirect URIs agree on one host
 *   (`canonicalOriginRedirect`, answered by app/api/canonical-origin).
 * - A state-changing request to our route handlers from another site (SECURITY.md line 11): a POST (PUT, PATCH,
 *   DELETE) under /api whose Origin header is present but not this app's origin, or is "null", gets 403.
 *   Requests without Origin (server-to-server webhooks, curl) pass to the handler, which has its own checks.
 *   Server actions are checked by Next.js itself.
 */
export function proxy(request: NextRequest) {
  if (request.method === "GET" || request.method === "HEAD") {
    const path = request.nextUrl.pathname + request.nextUrl.search;
    if (!canonicalOriginRedirect(request.headers.get("host"), new URL(env.NEXTAUTH_URL), path)) return NextResponse.next();
    // The redirect itself comes from app/api/canonical-origin (see there why not from here).
    return NextResponse.rewrite(new URL("/api/canonical-origin", request.url));
  }
  if (!UNSAFE_METHODS.has(request.method) || !request.nextUrl.pathname.startsWith("/api/")) return NextResponse.next();
  const origin = request.headers.get("origin");
  if (origin === null) return NextResponse.next();
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  let sameOrigin = false;
  try {
    sameOrigin = origin !== "null" && new URL(origin).host === host;
  } catch {
    sameOrigin = false;
  }
  if (sameOrigin) return NextResponse.next();
  return NextResponse.json({ error: "cross_origin_request_refused" }, { status: 403 });
}

// Every request but static assets: pages for the host check, /api for both.
export const config = { matcher: "/((?!_next/static|_next/image|favicon.ico|logos/).*)" };
