import "server-only";
import { eq, gt } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { serviceHealth, type ServiceHealth, type ServiceId } from "@/db/schema";
import type { ServiceError } from "@/lib/integrations/http";
import { backoffMs } from "@/lib/connections/lease";

/**
 * True when a token endpoint's refusal is about TrainLink's own client credentials or configuration, not the
 * athlete's grant (RFC 6749 §5.2): `invalid_client` (a bare 401 is read as that), `unauthorized_client` and
 * `unsupported_grant_type`. Such a refusal changes no connection (docs/SECURITY.md row 18).
 */
export function isOperatorError(error: ServiceError): boolean {
  return error.kind === "invalid_client" || error.kind === "unsupported_grant_type" || error.oauthError === "unauthorized_client";
}

/**
 * Records that `service` refused TrainLink's client credentials (`message`: the service's answer, safe to show)
 * and pauses the background refresher for that service: 30 s after the first refusal, doubling with each
 * refusal after a pause has run out, at most an hour. Returns the time the refresher tries again.
 */
export async function credentialsRejected(service: ServiceId, message: string): Promise<Date> {
  knownClean.delete(service);
  return db.transaction(async (tx) => {
    const now = new Date();
    const current = await tx.select().from(serviceHealth).where(eq(serviceHealth.service, service)).limit(1).then(firstRow);
    // Refusals while a pause is running (the other refreshes of the same pass, an athlete's own Refresh) do
    // not lengthen it: the backoff grows once per attempt after a pause.
    if (current && current.nextAttemptAt > now) {
      await tx.update(serviceHealth).set({ lastError: message, updatedAt: now }).where(eq(serviceHealth.service, service));
      return current.nextAttemptAt;
    }
    const failureCount = (current?.failureCount ?? 0) + 1;
    const nextAttemptAt = new Date(now.getTime() + backoffMs(failureCount));
    const row = { lastError: message, failureCount, nextAttemptAt, updatedAt: now };
    await tx
      .insert(serviceHealth)
      .values({ service, credentialsRejectedAt: current?.credentialsRejectedAt ?? now, ...row })
      .onConflictDoUpdate({ target: serviceHealth.service, set: row });
    return nextAttemptAt;
  });
}

/** How long this process trusts that a service carries no credentials flag, in milliseconds (see credentialsAccepted). */
const CLEAN_FOR_MS = 5_000;
const knownClean = new Map<ServiceId, number>();

/**
 * The service accepted TrainLink's credentials again (a refresh or code exchange succeeded): clears the flag.
 * Runs after every successful refresh, so a service found unflagged is trusted to stay so for CLEAN_FOR_MS
 * (5,000 ms) in this process: at hundreds of refreshes a second that saves a read per refresh, and a flag set
 * meanwhile by another instance is cleared by the first success after that. A flag this process sets forgets
 * it at once (credentialsRejected).
 */
export async function credentialsAccepted(service: ServiceId, nowMs = Date.now()): Promise<void> {
  if ((knownClean.get(service) ?? 0) > nowMs) return;
  // Read first: a read takes no write lock.
  if (await db.select({ service: serviceHealth.service }).from(serviceHealth).where(eq(serviceHealth.service, service)).limit(1).then(firstRow)) {
    await db.delete(serviceHealth).where(eq(serviceHealth.service, service));
  }
  knownClean.set(service, nowMs + CLEAN_FOR_MS);
}

/** Services the refresher must leave alone at `now` (credentials rejected, next attempt still ahead). */
export async function pausedServices(now: Date): Promise<ServiceId[]> {
  return (await db.select({ service: serviceHealth.service }).from(serviceHealth).where(gt(serviceHealth.nextAttemptAt, now))).map((r) => r.service);
}

/** Every service whose credentials are currently rejected, for the admin Services page. */
export async function serviceHealthByService(): Promise<Partial<Record<ServiceId, ServiceHealth>>> {
  return Object.fromEntries((await db.select().from(serviceHealth)).map((r) => [r.service, r]));
}
