import "server-only";
import type { Result } from "@/lib/result";
import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, type Account, type ServiceId } from "@/db/schema";
import { getIntegration, isAuthorizationCode } from "@/lib/integrations/registry";
import { ServiceError } from "@/lib/integrations/http";
import { backoffMs, claimLease, leaseMs, readConnection, releaseLease } from "@/lib/connections/lease";
import { openToken } from "@/lib/connections/sealing";
import { isLiveState, LIVE_STATES } from "@/lib/connections/state-machine";
import { disconnected, revocationPending, revocationRefused, revocationRetryFailed } from "@/lib/connections/transitions";
import { countRevocation } from "@/lib/metrics/registry";

/** Revoked at the service or not (and why: pending, refused, no endpoint), with a note for the athlete; or a Failure sentence. */
export type DisconnectResult = Result<{ revoked: boolean; pending?: boolean; refused?: boolean; note?: string }>;

/** What the athlete must do when `service` refused to revoke our access: the sentence shown after Disconnect (its answer stays in the history). */
function refusedNote(service: string): string {
  return `${service} refused to revoke TrainLink's access. TrainLink has deleted its copy of the tokens and will never use them again. To end the access at ${service} too, sign in to ${service} and remove TrainLink from the apps connected to your account, or ask ${service} support to.`;
}

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
 * Disconnects `athleteId` from `service` on behalf of `actorId` (the athlete, an admin, or null for an API key,
 * then named by `actorLabel`, which is added to the `disconnected` event's detail): revokes at
 * the service where it documents an endpoint (RFC 7009; TrainerDay sends the access token, enduco the refresh
 * token), then wipes the sealed tokens with a `disconnected` event. When the service is unavailable (5xx,
 * timeout, network) the connection becomes `revocation_pending`: tokens kept until the service accepts, and the
 * background refresher retries with backoff. When the service refuses (any other answer) the athlete's decision
 * still wins: the tokens are wiped here (`revocationRefused`, with the service's answer in the history) and the
 * result's `note` tells the athlete how to remove access at the service. Services without an endpoint are wiped at once, with a note telling the
 * athlete to remove access at the service too. No transaction is held open across the HTTP call.
 */
export async function disconnectConnection(input: {
  athleteId: string;
  actorId: string | null;
  service: ServiceId;
  actorLabel?: string;
}): Promise<DisconnectResult> {
  const { athleteId, actorId, service, actorLabel } = input;
  const integration = getIntegration(service);
  const found = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.userId, athleteId), eq(accounts.provider, service), inArray(accounts.state, LIVE_STATES)))
    .limit(1)
    .then(firstRow);
  if (!found) return { error: `${integration.name} is not connected.` };
  // Take the single-flight lease first, waiting for a refresh in flight to finish: it may rotate the tokens,
  // and it is the newest ones that must be revoked (docs/SECURITY.md row 19).
  const owner = randomUUID();
  if (!(await waitForLease(found.id, owner))) {
    return { error: `${integration.name} is being refreshed right now and did not finish; try Disconnect again in a minute.` };
  }
  const row = await readConnection(found.id);
  if (!row || !isLiveState(row.state)) {
    await releaseLease(found.id, owner);
    return { error: `${integration.name} is not connected.` };
  }
  try {
    return await revokeAndEnd(row, actorId, actorLabel);
  } finally {
    await releaseLease(row.id, owner); // the transitions free it already; this covers an unexpected error
  }
}

/** Claims the lease of `id` for `owner`, polling every 50 ms while another holds it, at most leaseMs() + 1 s. */
async function waitForLease(id: string, owner: string): Promise<boolean> {
  const deadline = Date.now() + leaseMs() + 1_000;
  while (!(await claimLease(id, owner, LIVE_STATES))) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Revokes `row`'s newest tokens at the service (its lease held) and ends or parks the connection accordingly. */
async function revokeAndEnd(row: Account, actorId: string | null, actorLabel: string | undefined): Promise<DisconnectResult> {
  const integration = getIntegration(row.provider);
  const outcome = await revokeAtService(row);
  const by = actorLabel ? ` (by ${actorLabel})` : "";
  switch (outcome.kind) {
    case "revoked":
      await disconnected(row, actorId, `revoked at the service${by}`);
      countRevocation(row.provider, "revoked");
      return { revoked: true };
    case "none":
      await disconnected(row, actorId, `no revocation endpoint documented; tokens wiped locally${by}`);
      return { revoked: false, note: integration.disconnectNote };
    case "transient": {
      const failures = row.state === "revocation_pending" ? row.failureCount + 1 : 1;
      await revocationPending(row, actorId, { message: outcome.message, nextAttemptAt: new Date(Date.now() + backoffMs(failures)), failures });
      countRevocation(row.provider, "pending");
      return { revoked: false, pending: true };
    }
    case "refused":
      // The athlete's Disconnect wins: nothing here may use these tokens again, whatever the service said.
      await revocationRefused(row, actorId, outcome.message);
      countRevocation(row.provider, "refused");
      return { revoked: false, refused: true, note: refusedNote(integration.name) };
  }
}

/**
 * Retries the revocation of a `revocation_pending` connection (called by the background refresher when its
 * backoff has passed). Holds the connection's lease so two processes never revoke the same one at once.
 * Resolves to "revoked" (tokens wiped: revoked, or refused by the service, which ends the connection here too),
 * "pending" (still failing, next attempt scheduled) or "skipped".
 */
export async function retryRevocation(connectionId: string): Promise<"revoked" | "pending" | "skipped"> {
  const owner = randomUUID();
  if (!(await claimLease(connectionId, owner, "revocation_pending"))) return "skipped";
  const row = await readConnection(connectionId);
  if (!row || row.state !== "revocation_pending") {
    await releaseLease(connectionId, owner);
    return "skipped";
  }
  return retryClaimedRevocation(row, owner);
}

/**
 * retryRevocation for a `revocation_pending` row whose lease `owner` already holds (claimed by the background
 * refresher with claimDue): one attempt at the service, then the matching transition. Resolves as retryRevocation.
 */
export async function retryClaimedRevocation(row: Account, owner: string): Promise<"revoked" | "pending"> {
  const outcome = await revokeAtService(row);
  if (outcome.kind === "revoked" || outcome.kind === "none") {
    await disconnected(row, null, `revoked at the service after ${row.failureCount + 1} attempt(s)`);
    if (outcome.kind === "revoked") countRevocation(row.provider, "revoked");
    return "revoked";
  }
  if (outcome.kind === "refused") {
    await revocationRefused(row, null, outcome.message);
    countRevocation(row.provider, "refused");
    return "revoked";
  }
  const failures = row.failureCount + 1;
  await revocationRetryFailed(row, owner, { message: outcome.message, nextAttemptAt: new Date(Date.now() + backoffMs(failures)), failures });
  countRevocation(row.provider, "pending");
  return "pending";
}
