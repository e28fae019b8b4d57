import "server-only";
import { decode } from "next-auth/jwt";
import { env } from "@/lib/env";

/**
 * next-auth v4's session cookie: `__Secure-` prefixed when NEXTAUTH_URL is https, as next-auth names it. A
 * function, not a constant: `next build` imports this module without the server's environment.
 */
export function sessionCookieName(): string {
  return `${env.NEXTAUTH_URL.startsWith("https://") ? "__Secure-" : ""}next-auth.session-token`;
}

/** The cookies of a request, as next/headers' cookies() gives them. */
export interface CookieReader {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string; value: string }[];
}

/**
 * The user id, sign-in time (seconds since the epoch) and session id of the session in `store`, or null when there is no
 * session cookie or it does not decrypt under NEXTAUTH_SECRET, has expired (next-auth's `exp`, 8 hours after
 * sign-in) or lacks our claims. Reads the cookie whole or in next-auth's chunks (`name.0`, `name.1`, …).
 *
 * This is next-auth's own `decode` (next-auth/jwt), not `getServerSession`: in a server component that would
 * also mint a CSRF token and re-encrypt a refreshed session cookie that a page cannot set, about 1 ms of
 * every page for nothing (README, Performance).
 */
export async function readSession(store: CookieReader): Promise<{ userId: string; signedInAt?: number; sid?: string } | null> {
  const name = sessionCookieName();
  let raw = store.get(name)?.value;
  if (!raw) {
    const chunks = store
      .getAll()
      .filter((c) => c.name.startsWith(`${name}.`))
      .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
    raw = chunks.map((c) => c.value).join("");
  }
  if (!raw) return null;
  const token = await decode({ token: raw, secret: env.NEXTAUTH_SECRET }).catch(() => null);
  if (!token?.sub || !token.role) return null;
  return { userId: token.sub, signedInAt: token.signedInAt, sid: token.sid };
}
