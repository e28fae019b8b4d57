import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { db } from "@/db";
import { accounts, type Account, type ServiceId } from "@/db/schema";
import { getIntegration, isAuthorizationCode } from "@/lib/integrations";
import { ServiceError } from "@/lib/integrations/http";
import { recordEvent } from "./events";
import { backoffMs, claimLease, readConnection, releaseLease } from "./lease";
import { openToken } from "./sealing";
import { LIVE_STATES } from "./state-machine";
import { disconnected, revocationPending, revocationRetryFailed } from "./transitions";

export type DisconnectResult =
  | { ok: true; revoked: boolean; pending?: boolean; note?: string }
  | { ok: false; error: string };

type RevokeOutcome = { kind: "revoked" } | { kind: "none" } | { kind: "transient"; message: string } | { kind: "refused"; message: string };

async function revokeAtService(row: Account): Promise<RevokeOutcome> {
  const integration = getIntegration(row.provider);
  if (!isAuthorizationCode(integration) || integration.revocation === "none") return { kind: "none" };
  try {
    await integration.revoke({
      accessToken: row.accessToken ? openToken(row.accessToken, row.id, "access_token") : null,
      refreshToken: row.refreshToken ? openToken(row.refreshToken, row.id, "refresh_token") : null,
    });
    return { kind: "revoked" };
  } catch (error) {
    if (error instanceof ServiceError && error.transient) return { kind: "transient", message: error.message };
    return { kind: "refused", message: error instanceof ServiceError ? error.message : "the stored token could not be read" };
  }
}

/**
 * Disconnects `athleteId` from `service` on behalf of `actorId` (the athlete, or later an admin): revokes at
 * the service where it documents an endpoint (RFC 7009; TrainerDay sends the access token, enduco the refresh
 * token), then wipes the sealed tokens with a `disconnected` event. When the service is unavailable (5xx,
 * timeout, network) the connection becomes `revocation_pending`: tokens kept until the service accepts, and the
 * background refresher retries with backoff. When the service refuses for another reason the connection is kept
 * and `{ ok: false, error }` says so. Services without an endpoint are wiped at once, with a note telling the
 * athlete to remove access at the service too. No transaction is held open across the HTTP call.
 */
export async function disconnectConnection(input: { athleteId: string; actorId: string; service: ServiceId }): Promise<DisconnectResult> {
  const { athleteId, actorId, service } = input;
  const integration = getIntegration(service);
  const row = db
    .select()
    .from(accounts)
    .where(and(eq(accounts.userId, athleteId), eq(accounts.provider, service), inArray(accounts.state, LIVE_STATES)))
    .get();
  if (!row) return { ok: false, error: `${integration.name} is not connected.` };

  const outcome = await revokeAtService(row);
  switch (outcome.kind) {
    case "revoked":
      disconnected(row, actorId, "revoked at the service");
      return { ok: true, revoked: true };
    case "none":
      disconnected(row, actorId, "no revocation endpoint documented; tokens wiped locally");
      return { ok: true, revoked: false, note: integration.disconnectNote };
    case "transient": {
      const failures = row.state === "revocation_pending" ? row.failureCount + 1 : 1;
      revocationPending(row, actorId, { message: outcome.message, nextAttemptAt: new Date(Date.now() + backoffMs(failures)), failures });
      return { ok: true, revoked: false, pending: true };
    }
    case "refused":
      recordEvent({ actorId, athleteId, service, kind: "revocation_failed", detail: outcome.message });
      return {
        ok: false,
        error: `${integration.name} did not confirm the revocation (${outcome.message}). Your connection is kept; please try again, or contact an administrator if this persists.`,
      };
  }
}

/**
 * Retries the revocation of a `revocation_pending` connection (called by the background refresher when its
 * backoff has passed). Holds the connection's lease so two processes never revoke the same one at once.
 * Resolves to "revoked" (tokens wiped), "pending" (still failing, next attempt scheduled) or "skipped".
 */
export async function retryRevocation(connectionId: string): Promise<"revoked" | "pending" | "skipped"> {
  const owner = randomUUID();
  if (!claimLease(connectionId, owner, "revocation_pending")) return "skipped";
  const row = readConnection(connectionId);
  if (!row || row.state !== "revocation_pending") {
    releaseLease(connectionId, owner);
    return "skipped";
  }
  const outcome = await revokeAtService(row);
  if (outcome.kind === "revoked" || outcome.kind === "none") {
    disconnected(row, null, `revoked at the service after ${row.failureCount + 1} attempt(s)`);
    return "revoked";
  }
  const failures = row.failureCount + 1;
  revocationRetryFailed(row, owner, { message: outcome.message, nextAttemptAt: new Date(Date.now() + backoffMs(failures)), failures });
  return "pending";
}
