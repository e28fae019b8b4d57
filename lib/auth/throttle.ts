import "server-only";
import { gt, inArray, sql } from "drizzle-orm";
import { db } from "@/db";
import { signInThrottle } from "@/db/schema";
import { env } from "@/lib/env";

/**
 * Sign-in throttling as OWASP's "Blocking Brute Force Attacks" and ASVS 5.0 V6.3 describe it: failures are
 * counted per (account, client) and per client, and each key's next attempt waits a delay that grows with
 * its count (never a permanent lock); a per-account count with a much higher allowance is the net for
 * attacks spread over many clients. A browser that has signed in to an account before carries a signed
 * device cookie (device-cookie.ts, OWASP "Slow Down Online Guessing Attacks with Device Cookies"); with it,
 * only that (account, device) pair is counted, so an attacker who only knows an email can slow down unknown
 * clients but never keeps the owner out of a device they have used.
 */

/** One sign-in attempt as the throttle sees it. `client`: the caller's address when known (clientAddress). `device`: the verified device id for this email, if any. */
export interface SignInAttempt {
  email: string;
  client: string | null;
  device: string | null;
}

/** Failures that are forgotten after this much quiet on a key, in milliseconds (a day); housekeeping deletes such rows. */
export const QUIET_RESET_MS = 24 * 3600 * 1000;
/** The first delay once a key's allowance is spent, in milliseconds (30 s), doubling per further failure. */
const FIRST_DELAY_MS = 30_000;

/**
 * The client's address from `X-Forwarded-For`, counted from the right: with TRUST_PROXY_HOPS = n reverse
 * proxies in front, each appending the address it saw, the n-th entry from the right is the one our
 * outermost proxy saw; everything to its left is whatever the client sent. Returns null with no trusted
 * proxy (TRUST_PROXY_HOPS=0: next start fills the header only when the client sent none, so it proves
 * nothing) or when the header has fewer entries than hops (the request did not come through them).
 */
export function clientAddress(headers: Record<string, string | string[] | undefined> | undefined): string | null {
  const hops = env.TRUST_PROXY_HOPS;
  if (hops === 0) return null;
  const raw = headers?.["x-forwarded-for"];
  const entries = (Array.isArray(raw) ? raw.join(",") : (raw ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const entry = entries.length >= hops ? entries[entries.length - hops] : undefined;
  return entry && /^[0-9A-Fa-f.:]{2,45}$/.test(entry) ? entry : null;
}

/** The keys one attempt is counted on, each with how many failures it may have before delays start. */
export function throttleKeys(attempt: SignInAttempt): { key: string; allowance: number }[] {
  const email = attempt.email.toLowerCase();
  if (attempt.device) return [{ key: `pair:${email}|device:${attempt.device}`, allowance: env.SIGNIN_MAX_FAILURES }];
  const keys = [
    { key: `pair:${email}|${attempt.client ?? "unknown"}`, allowance: env.SIGNIN_MAX_FAILURES },
    { key: `account:${email}`, allowance: env.SIGNIN_ACCOUNT_MAX_FAILURES },
  ];
  if (attempt.client) keys.push({ key: `client:${attempt.client}`, allowance: env.SIGNIN_IP_MAX_FAILURES });
  return keys;
}

/**
 * The delay, in milliseconds, before the next attempt on a key with `failures` consecutive failures and
 * `allowance` free ones: 0 within the allowance, then 30 s, 60 s, 2 min … doubling, at most
 * SIGNIN_MAX_DELAY_MINUTES (15).
 */
export function throttleDelayMs(failures: number, allowance: number): number {
  if (failures < allowance) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** Math.min(failures - allowance, 30), env.SIGNIN_MAX_DELAY_MINUTES * 60_000);
}

/**
 * How long `attempt` must wait before its password is even checked, in seconds (0: go ahead). Checked for known
 * and unknown emails alike, so the answer says nothing about whether an account exists.
 */
export async function signInWaitSeconds(attempt: SignInAttempt, nowMs = Date.now()): Promise<number> {
  const keys = throttleKeys(attempt);
  const rows = await db
    .select()
    .from(signInThrottle)
    .where(
      inArray(
        signInThrottle.key,
        keys.map((k) => k.key),
      ),
    );
  let until = 0;
  for (const row of rows) {
    const last = row.lastFailureAt.getTime();
    if (last + QUIET_RESET_MS <= nowMs) continue;
    const allowance = keys.find((k) => k.key === row.key)!.allowance;
    until = Math.max(until, last + throttleDelayMs(row.failures, allowance));
  }
  return Math.max(0, Math.ceil((until - nowMs) / 1000));
}

/**
 * Counts one failed sign-in on each of the attempt's keys (a key quiet for a day starts again at 1). One atomic
 * upsert for all keys (`failures = failures + 1` in the database, never a read then a write), so concurrent
 * failures on several app instances are all counted; keys are written in sorted order, so two upserts sharing
 * keys lock them in the same order (no deadlock on PostgreSQL).
 */
export async function recordSignInFailure(attempt: SignInAttempt, nowMs = Date.now()): Promise<void> {
  const now = new Date(nowMs);
  const keys = throttleKeys(attempt)
    .map((k) => k.key)
    .sort();
  await db
    .insert(signInThrottle)
    .values(keys.map((key) => ({ key, failures: 1, lastFailureAt: now })))
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: {
        failures: sql`CASE WHEN ${gt(signInThrottle.lastFailureAt, new Date(nowMs - QUIET_RESET_MS))} THEN ${signInThrottle.failures} + 1 ELSE 1 END`,
        lastFailureAt: now,
      },
    });
}

/**
 * Forgets the (account, client) or (account, device) failures after a successful sign-in. The per-client and
 * per-account counts stay: one success must not reset what an attacker spread elsewhere.
 */
export async function recordSignInSuccess(attempt: SignInAttempt): Promise<void> {
  const pairs = throttleKeys(attempt)
    .map((k) => k.key)
    .filter((k) => k.startsWith("pair:"));
  await db.delete(signInThrottle).where(inArray(signInThrottle.key, pairs));
}
