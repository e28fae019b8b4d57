import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { env } from "@/lib/env";

/**
 * The device cookie of OWASP's "Slow Down Online Guessing Attacks with Device Cookies": issued to a browser
 * when it signs in to an account, it lets that browser bypass the account's throttling for unknown clients
 * (throttle.ts) while its own attempts are still counted. A JWT (HS256, jose) holding a random device id and
 * the SHA-256 of the account's email (never the email itself), valid DEVICE_COOKIE_MAX_AGE_S, sent only to
 * the credentials callback (HttpOnly, SameSite=Lax, Secure under https).
 */

/** Device cookie lifetime in seconds (180 days). */
export const DEVICE_COOKIE_MAX_AGE_S = 180 * 24 * 3600;
/** The only path the browser sends it to: next-auth's credentials sign-in. */
export const DEVICE_COOKIE_PATH = "/api/auth/callback/credentials";

/** The cookie's name: `__Secure-` prefixed when NEXTAUTH_URL is https. A function: `next build` has no env. */
export function deviceCookieName(): string {
  return `${env.NEXTAUTH_URL.startsWith("https://") ? "__Secure-" : ""}trainlink.device`;
}

function key(): Uint8Array {
  return createHash("sha256").update(`trainlink device cookie v1\0${env.NEXTAUTH_SECRET}`).digest();
}

function emailDigest(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");
}

/** A fresh device cookie value for `email` (a new device id each sign-in). */
export async function issueDeviceCookie(email: string): Promise<string> {
  return new SignJWT({ em: emailDigest(email) })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(randomUUID())
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + DEVICE_COOKIE_MAX_AGE_S)
    .sign(key());
}

/** The device id in `value` when it is a valid, unexpired device cookie for `email`; null otherwise (never throws). */
export async function verifiedDevice(value: string | undefined, email: string): Promise<string | null> {
  if (!value) return null;
  try {
    const { payload } = await jwtVerify(value, key(), { algorithms: ["HS256"] });
    return payload.em === emailDigest(email) && typeof payload.sub === "string" ? payload.sub : null;
  } catch {
    return null;
  }
}

/** The value of cookie `name` in a raw `Cookie` header, if present. */
export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  const raw = Array.isArray(header) ? header.join("; ") : (header ?? "");
  for (const part of raw.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
