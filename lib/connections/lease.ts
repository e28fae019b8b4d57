import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, type Account } from "@/db/schema";

export { claimLease, leaseMs, releaseLease } from "@/lib/connections/transitions";

/** The current row of connection `id`, or undefined. */
export async function readConnection(id: string): Promise<Account | undefined> {
  return db.select().from(accounts).where(eq(accounts.id, id)).limit(1).then(firstRow);
}

/**
 * Delay before the next attempt after `failures` consecutive transient failures, in milliseconds:
 * 30 s, 60 s, 120 s … doubling, at most one hour.
 */
export function backoffMs(failures: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, failures - 1), 3_600_000);
}
