import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { env } from "@/lib/env";
import { canonicalOriginRedirect } from "@/lib/redirects";

/**
 * For the pages where a session begins (sign-in, invite sign-up) and the signed-in layout: when the request
 * came under another name of this machine than NEXTAUTH_URL's (127.0.0.1 while it says localhost), redirects
 * (307) to `pathAndQuery` on NEXTAUTH_URL's origin, so the session cookie and the services' redirect URIs agree
 * on one host (`canonicalOriginRedirect`). Returns normally otherwise. Done in the pages, not in proxy.ts:
 * running the proxy on every page cost about 2 ms a request.
 */
export async function redirectToCanonicalHost(pathAndQuery: string): Promise<void> {
  const target = canonicalOriginRedirect((await headers()).get("host"), new URL(env.NEXTAUTH_URL), pathAndQuery);
  if (target) redirect(target.href);
}
