import "server-only";
import { encode, getToken, type GetTokenParams } from "next-auth/jwt";
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

/** Seconds a session lasts after sign-in (next-auth's session.maxAge in lib/auth/options.ts: 8 hours). */
const SESSION_MAX_AGE_S = 8 * 60 * 60;

/** Where a re-issued session cookie is written: next/headers' cookies() in a server action. */
export interface CookieWriter extends CookieReader {
  set(name: string, value: string, options: { httpOnly: boolean; sameSite: "lax"; path: string; secure: boolean; maxAge: number }): void;
}

/**
 * Re-issues the session cookie in `store` with the sign-in time `signedInAt` (seconds since the epoch), keeping its
 * user, role and session id: after a password change moved users.sessions_revoked_at to `signedInAt`, this keeps
 * the session that changed it while every other one is refused. The cookie is written as next-auth writes it
 * (same name, `__Secure-` prefixed on https, HttpOnly, SameSite=Lax, 8 hours). Resolves to false when there is
 * no valid session cookie to re-issue.
 */
export async function reissueSession(store: CookieWriter, signedInAt: number): Promise<boolean> {
  const secure = env.NEXTAUTH_URL.startsWith("https://");
  const req = { cookies: store, headers: NO_HEADERS } as unknown as GetTokenParams["req"];
  const token = await getToken({ req, secret: env.NEXTAUTH_SECRET, secureCookie: secure });
  if (!token?.sub || !token.role) return false;
  const value = await encode({
    token: { sub: token.sub, name: token.name, email: token.email, role: token.role, signedInAt, sid: token.sid },
    secret: env.NEXTAUTH_SECRET,
    maxAge: SESSION_MAX_AGE_S,
  });
  store.set(`${secure ? "__Secure-" : ""}next-auth.session-token`, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure,
    maxAge: SESSION_MAX_AGE_S,
  });
  return true;
}
