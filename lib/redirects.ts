/** The signed-in sections: a signed-out page view of one is sent to sign in first (proxy.ts). */
export const SIGNED_IN_SECTIONS = ["/connections", "/coach", "/admin", "/settings"] as const;

/** Where a post-login or post-link destination may point: the signed-in sections and "/invite" (public), so that "Sign in" on an invite page comes back to the invite. */
export const ALLOWED_PREFIXES = [...SIGNED_IN_SECTIONS, "/invite"] as const;

function isUnder(prefixes: readonly string[], path: string): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

/** The query parameter that carries the requested page (path + query) through sign-in. */
export const CALLBACK_URL_PARAM = "callbackUrl";

/**
 * Reduces a requested post-login or post-link destination to one of our own paths (RFC 9700 §4.11: no open
 * redirects). Accepts only a path that starts with a single "/" (not "//" or "/\"), contains no scheme,
 * backslash, control character or dot segment, and begins with an allowed section (ALLOWED_PREFIXES); anything
 * else yields `fallback`.
 * Absolute URLs on `origin` are reduced to their path first. Returns a path, never an absolute URL.
 */
export function safeReturnPath(requested: string | null | undefined, origin: string, fallback = "/connections"): string {
  if (!requested) return fallback;
  let candidate = requested.trim();
  if (/^https?:\/\//i.test(candidate)) {
    try {
      const url = new URL(candidate);
      if (url.origin !== new URL(origin).origin) return fallback;
      candidate = url.pathname + url.search;
    } catch {
      return fallback;
    }
  }
  if (!candidate.startsWith("/") || candidate.startsWith("//") || /[\\\u0000-\u001f]/.test(candidate)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(candidate);
  } catch {
    return fallback;
  }
  if (decoded.startsWith("//") || decoded.includes("\\") || /^\/[^/]*:/.test(decoded)) return fallback;
  // Dot segments ("/coach/../api/auth/signout") would leave the allowed section once the browser resolves them.
  if (/(^|\/)\.\.?(\/|$)/.test(decoded.split(/[?#]/)[0] ?? "")) return fallback;
  const path = candidate.split(/[?#]/)[0] ?? "";
  return isUnder(ALLOWED_PREFIXES, path) ? candidate : fallback;
}

/** True when `path` (no query) lies in one of the signed-in sections a signed-out visitor is sent to sign in from. */
export function isSignedInSection(path: string): boolean {
  return isUnder(SIGNED_IN_SECTIONS, path);
}

/**
 * The sign-in page's address for a signed-out visitor who asked for `pathAndQuery` (e.g.
 * "/admin/audit?kind=user_created"): `/login?callbackUrl=<path and query>` when that passes safeReturnPath,
 * else plain `/login` (nothing to come back to, or not one of our pages). Returns a path.
 */
export function loginPathFor(pathAndQuery: string | null | undefined, origin: string): string {
  const target = safeReturnPath(pathAndQuery, origin, "");
  return target ? `/login?${new URLSearchParams({ [CALLBACK_URL_PARAM]: target })}` : "/login";
}

/**
 * The page to load after signing in, from the sign-in page's query: `callbackUrl` (set by the proxy for a
 * signed-out visitor), else `returnTo` (older links: a reconnect request's e-mail). Each is reduced by
 * safeReturnPath; "/" (the role's home) when neither is one of our pages.
 */
export function postLoginPath(query: Record<string, string | string[] | undefined>, origin: string): string {
  for (const key of [CALLBACK_URL_PARAM, "returnTo"]) {
    const value = query[key];
    const candidate = typeof value === "string" ? safeReturnPath(value, origin, "") : "";
    if (candidate) return candidate;
  }
  return "/";
}

const LOOPBACK_HOSTNAME = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function portOf(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}

/**
 * Where a GET to `requestHost` (the Host header, "name:port") should be sent instead, or null to serve it.
 *
 * Session cookies belong to one host name, and redirect URIs derive from NEXTAUTH_URL, so a visitor who opened
 * the app under another name of the same machine (127.0.0.1 or the LAN address `next start` prints, while
 * NEXTAUTH_URL says localhost) would come back from a service signed out. When NEXTAUTH_URL (`canonical`) names
 * a loopback host, a request on the same port under any other host name is answered with `canonical`'s origin
 * plus `pathAndQuery`. Deployments with a public NEXTAUTH_URL are left to their reverse proxy (which may forward
 * any Host header), and a different port is never redirected (a local proxy in front of the app).
 */
export function canonicalOriginRedirect(requestHost: string | null, canonical: URL, pathAndQuery: string): URL | null {
  if (!requestHost || !LOOPBACK_HOSTNAME.test(canonical.hostname)) return null;
  let requested: URL;
  try {
    requested = new URL(`${canonical.protocol}//${requestHost}`);
  } catch {
    return null;
  }
  if (requested.hostname.toLowerCase() === canonical.hostname.toLowerCase() || portOf(requested) !== portOf(canonical)) return null;
  // Path and query only: whatever `pathAndQuery` holds ("//elsewhere", "https://…"), the origin stays canonical's.
  const parsed = new URL(pathAndQuery, "http://path.invalid");
  const target = new URL(canonical.origin);
  target.pathname = parsed.pathname;
  target.search = parsed.search;
  return target;
}
