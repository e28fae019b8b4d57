const ALLOWED_PREFIXES = ["/connections", "/coach", "/admin"] as const;

/**
 * Reduces a requested post-login or post-link destination to one of our own paths (RFC 9700 §4.11: no open
 * redirects). Accepts only a path that starts with a single "/" (not "//" or "/\"), contains no scheme,
 * backslash or control character, and begins with an allowed section; anything else yields `fallback`.
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
  const path = candidate.split(/[?#]/)[0] ?? "";
  return ALLOWED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`)) ? candidate : fallback;
}
