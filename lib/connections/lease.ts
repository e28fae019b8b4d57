import "server-only";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { db } from "@/db";
import { accounts, type Account, type ConnectionState } from "@/db/schema";
import { env } from "@/lib/env";

/**
 * How long a refresh or revocation lease is held at most, in milliseconds: long enough for the outbound call
 * (OUTBOUND_TIMEOUT_MS) twice over, so a lease only lapses when its holder died.
 */
export function leaseMs(): number {
  return env.OUTBOUND_TIMEOUT_MS * 2 + 5_000;
}

/**
 * Claims the single-flight lease of connection `id` for `owner` with one conditional UPDATE, which works the
 * same across processes sharing the database (and on PostgreSQL): it succeeds only when the row is in
 * `state` and no unexpired lease is held. Returns true when claimed.
 */
export function claimLease(id: string, owner: string, state: ConnectionState): boolean {
  const now = Date.now();
  const result = db
    .update(accounts)
    .set({ refreshLeaseOwner: owner, refreshLeaseUntil: new Date(now + leaseMs()) })
    .where(and(eq(accounts.id, id), eq(accounts.state, state), or(isNull(accounts.refreshLeaseUntil), lt(accounts.refreshLeaseUntil, new Date(now)))))
    .run();
  return result.changes === 1;
}

/** Releases the lease of `id` if `owner` still holds it. */
export function releaseLease(id: string, owner: string): void {
  db.update(accounts)
    .set({ refreshLeaseOwner: null, refreshLeaseUntil: null })
    .where(and(eq(accounts.id, id), eq(accounts.refreshLeaseOwner, owner)))
    .run();
}

/** The current row of connection `id`, or undefined. */
export function readConnection(id: string): Account | undefined {
  return db.select().from(accounts).where(eq(accounts.id, id)).get();
}

/**
 * Delay before the next attempt after `failures` consecutive transient failures, in milliseconds:
 * 30 s, 60 s, 120 s … doubling, at most one hour.
 */
export function backoffMs(failures: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, failures - 1), 3_600_000);
}
