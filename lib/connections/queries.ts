import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, type ServiceId } from "@/db/schema";

/** The connection row of `athleteId` at `service` (any state), or undefined. Holds sealed tokens: server only. */
export async function findConnection(athleteId: string, service: ServiceId) {
  return db
    .select()
    .from(accounts)
    .where(and(eq(accounts.userId, athleteId), eq(accounts.provider, service)))
    .limit(1)
    .then(firstRow);
}
