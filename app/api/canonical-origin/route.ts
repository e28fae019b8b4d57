import type { NextRequest } from "next/server";
import { env } from "@/lib/env";
import { canonicalOriginRedirect } from "@/lib/redirects";

export const dynamic = "force-dynamic";

/**
 * Where proxy.ts rewrites a GET that arrived under another name of this machine: answers 307 to the path and
 * query the browser asked for on NEXTAUTH_URL's origin, recomputed here from the Host header; 404 when the
 * request is on the canonical host already (a direct GET /api/canonical-origin).
 * A route handler, not the proxy itself: Next.js shortens a redirect from the proxy to a bare path whenever the
 * target's host is the one `next start` listens under, which would send the browser back to the same wrong host.
 */
export function GET(request: NextRequest) {
  // After the proxy's rewrite, nextUrl is still the URL the browser asked for.
  const path = request.nextUrl.pathname + request.nextUrl.search;
  const target = canonicalOriginRedirect(request.headers.get("host"), new URL(env.NEXTAUTH_URL), path);
  if (!target) return new Response("Not found", { status: 404, headers: { "Cache-Control": "no-store" } });
  return new Response(null, { status: 307, headers: { Location: target.href, "Cache-Control": "no-store" } });
}

export const HEAD = GET;
