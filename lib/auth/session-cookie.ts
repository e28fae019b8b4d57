import "server-only";
import { getToken, type GetTokenParams } from "next-auth/jwt";
import { env } from "@/lib/env";

/** The cookies of a request, as next/headers' cookies() gives them. */
export interface CookieReader {
  getAll(): { name: string; value: string }[];
}

// A session comes from the cookie only: with no headers, getToken never falls back to an Authorization header.
const NO_HEADERS = {};

/**
 * The user id, sign-in time (seconds since the epoch) and session id of the session in `store`, or null when there
 * is no session cookie or it does not decrypt under NEXTAUTH_SECRET, has expired (next-auth's `exp`, 8 hours after
 * sign-in) or lacks our claims. Never throws for a bad cookie.
 *
 * This is next-auth's own `getToken` (next-auth/jwt): next-auth names the cookie (`__Secure-` prefixed when
 * NEXTAUTH_URL is https, as it sets it), joins its chunks (`name.0`, `name.1`, …) and decrypts it. Not
 * `getServerSession`: in a server component that would also mint a CSRF token and re-encrypt a refreshed session
 * cookie that a page cannot set, about 1 ms of every page for nothing (README, Performance).
 */
export async function readSession(store: CookieReader): Promise<{ userId: string; signedInAt?: number; sid?: string } | null> {
  // getToken reads only req.cookies (anything with getAll(), a Map or a plain object) and req.headers.
  const req = { cookies: store, headers: NO_HEADERS } as unknown as GetTokenParams["req"];
  const token = await getToken({ req, secret: env.NEXTAUTH_SECRET, secureCookie: env.NEXTAUTH_URL.startsWith("https://") });
  if (!token?.sub || !token.role) return null;
  return { userId: token.sub, signedInAt: token.signedInAt, sid: token.sid };
}
