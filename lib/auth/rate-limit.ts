import "server-only";
import { eq, inArray } from "drizzle-orm";
import { db } from "@/db";
import { signInFailures } from "@/db/schema";
import { env } from "@/lib/env";

/** The rate-limit keys of one sign-in attempt: the account (by email, existing or not) and the client IP. */
export function signInKeys(email: string, headers: Record<string, string | string[] | undefined> | undefined): { account: string; ip: string | null } {
  const forwarded = headers?.["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return { account: `account:${email.toLowerCase()}`, ip: env.TRUST_PROXY === "true" && first ? `ip:${first}` : null };
}

function windowMs(): number {
  return env.SIGNIN_WINDOW_MINUTES * 60_000;
}

/**
 * True when the account or the IP has reached its limit of failed sign-ins (SIGNIN_MAX_FAILURES per account,
 * SIGNIN_IP_MAX_FAILURES per IP, default 10 each) within the last SIGNIN_WINDOW_MINUTES (15). Checked before the
 * password, for known and unknown emails alike, so the answer says nothing about whether an account exists.
 */
export function isSignInBlocked(keys: { account: string; ip: string | null }, nowMs = Date.now()): boolean {
  const rows = db
    .select()
    .from(signInFailures)
    .where(inArray(signInFailures.key, [keys.account, ...(keys.ip ? [keys.ip] : [])]))
    .all();
  return rows.some((row) => {
    if (row.windowStart.getTime() + windowMs() <= nowMs) return false;
    const limit = row.key.startsWith("ip:") ? env.SIGNIN_IP_MAX_FAILURES : env.SIGNIN_MAX_FAILURES;
    return row.failures >= limit;
  });
}

/** Counts one failed sign-in against each key (a new window starts when the previous one has passed). */
export function recordSignInFailure(keys: { account: string; ip: string | null }, nowMs = Date.now()): void {
  db.transaction(
    (tx) => {
      for (const key of [keys.account, ...(keys.ip ? [keys.ip] : [])]) {
        const row = tx.select().from(signInFailures).where(eq(signInFailures.key, key)).get();
        if (!row || row.windowStart.getTime() + windowMs() <= nowMs) {
          tx.insert(signInFailures)
            .values({ key, windowStart: new Date(nowMs), failures: 1 })
            .onConflictDoUpdate({ target: signInFailures.key, set: { windowStart: new Date(nowMs), failures: 1 } })
            .run();
        } else {
          tx.update(signInFailures).set({ failures: row.failures + 1 }).where(eq(signInFailures.key, key)).run();
        }
      }
    },
    { behavior: "immediate" },
  );
}

/** Forgets an account's failures after a successful sign-in (the IP's count stays). */
export function clearSignInFailures(account: string): void {
  db.delete(signInFailures).where(eq(signInFailures.key, account)).run();
}
