import { NextResponse, type NextRequest } from "next/server";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Refuses state-changing requests to our route handlers from another site (docs/SECURITY.md row 11): a POST
 * (PUT, PATCH, DELETE) under /api whose Origin header is present but not this app's origin, or is "null", gets
 * 403. Requests without Origin (server-to-server webhooks, curl) pass to the handler, which has its own checks.
 * Server actions are checked by Next.js itself; this proxy is never the only gate. It runs for /api only: on
 * every page it would cost about 2 ms a request.
 */
export function proxy(request: NextRequest) {
  if (!UNSAFE_METHODS.has(request.method)) return NextResponse.next();
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

export const config = { matcher: "/api/:path*" };
