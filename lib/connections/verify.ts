import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import { db } from "@/db";
import { accounts, type ServiceId } from "@/db/schema";
import { env } from "@/lib/env";
import { ServiceError } from "@/lib/integrations/http";
import { integrations, isTokenInCallback, type TokenInCallbackIntegration } from "@/lib/integrations/registry";
import { readConnection } from "@/lib/connections/lease";
import { openToken } from "@/lib/connections/sealing";
import { claimLease, IllegalTransitionError, LIVE_STATE_SQL, releaseLease, revokedByService, verified } from "@/lib/connections/transitions";

/** What one verification pass did. */
export interface VerificationPass {
  /** Connections the service accepted: lastVerifiedAt is now. */
  verified: number;
  /** Connections whose user token the service rejected: now `revoked_by_service`. */
  revoked: number;
  /** Connections the service could not answer for (down, timeout, an unexpected answer): left as they were. */
  failed: number;
}

/**
 * The services whose connections are proved by a request instead of a refresh: no refresh (Integration.refresh
 * undefined), a user token from the callback (FitRankings), and configured.
 */
function verifiedByRequest(): TokenInCallbackIntegration[] {
  return integrations().filter((i): i is TokenInCallbackIntegration => isTokenInCallback(i) && !i.refresh && i.credentials !== null);
}

/**
 * Proves that connected connections of services whose token never expires still work (issue 15, "Last verified";
 * a refresh proves the others). Every connected connection of such a service (FitRankings) whose lastVerifiedAt is
 * null or at least VERIFY_INTERVAL_SECONDS (default 21,600: 6 hours) before `nowMs` (milliseconds since the epoch)
 * gets one authenticated request made with its own user token: FitRankings' `GET /iq/users/me/`
 * (docs/provider-docs/fitrankings.md, Authentication: a user's own token in the Authorization header restricts a
 * request to that user; `identifyUser`, the same request that proves a link's callback). At most `limit` (default
 * 200) connections per pass, least recently verified first, REFRESHER_CONCURRENCY in flight.
 *
 * Each connection's single-flight lease is claimed first (claimLease), so two instances never verify one
 * connection twice, and a Disconnect waits for it. Then:
 * - the service names the connection's own user: `verified` (lastVerifiedAt = now, lease freed; no event);
 * - it rejects the token (HTTP 401 or 403, ServiceError `invalid_grant`): `revokedByService` (tokens wiped, state
 *   `revoked_by_service`, a `deregistered_by_service` event saying so);
 * - anything else (5xx, timeout, network, an answer without the user, another user, a token that cannot be
 *   opened): the lease is released and the row left as it is, so the next pass tries again.
 * Resolves to the counts; throws only what the database throws. Never logs or returns a token.
 */
export async function runVerificationOnce(nowMs = Date.now(), limit = 200): Promise<VerificationPass> {
  const pass: VerificationPass = { verified: 0, revoked: 0, failed: 0 };
  const services = new Map<ServiceId, TokenInCallbackIntegration>(verifiedByRequest().map((i) => [i.id, i]));
  if (services.size === 0) return pass;
  const verifiedBefore = new Date(nowMs - env.VERIFY_INTERVAL_SECONDS * 1000);
  const due = await dueForVerification([...services.keys()], verifiedBefore, limit);
  const owner = `verifier:${randomUUID()}`;
  const queue = due.map((r) => r.id);
  await Promise.all(
    Array.from({ length: Math.min(env.REFRESHER_CONCURRENCY, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const outcome = await verifyOne(id, owner, services, verifiedBefore);
        if (outcome !== "skipped") pass[outcome] += 1;
      }
    }),
  );
  return pass;
}

/**
 * The ids of up to `limit` connected connections of `services` with a user token, last verified at or before
 * `verifiedBefore` (or never), whose lease is free: least recently verified first. A query, awaited by the caller.
 */
export function dueForVerification(services: readonly ServiceId[], verifiedBefore: Date, limit: number) {
  return db
    .select({ id: accounts.id })
    .from(accounts)
    .where(
      and(
        // LIVE_STATE_SQL's literals let both engines read only these services' live rows through the partial index
        // accounts_provider_account_live_uq (provider, …) instead of every connected row behind accounts_due_idx.
        LIVE_STATE_SQL,
        eq(accounts.state, "connected"),
        isNotNull(accounts.accessToken),
        inArray(accounts.provider, [...services]),
        or(isNull(accounts.lastVerifiedAt), lte(accounts.lastVerifiedAt, verifiedBefore)),
        or(isNull(accounts.refreshLeaseUntil), lt(accounts.refreshLeaseUntil, new Date())),
      ),
    )
    .orderBy(sql`${accounts.lastVerifiedAt} ASC NULLS FIRST`)
    .limit(limit);
}

/**
 * Verifies connection `id` under `owner`'s lease (see runVerificationOnce). "skipped" when another caller holds
 * the lease, or the connection was verified, changed or removed since it was found due.
 */
async function verifyOne(
  id: string,
  owner: string,
  services: ReadonlyMap<ServiceId, TokenInCallbackIntegration>,
  verifiedBefore: Date,
): Promise<keyof VerificationPass | "skipped"> {
  if (!(await claimLease(id, owner, "connected"))) return "skipped";
  const row = await readConnection(id);
  const integration = row ? services.get(row.provider) : undefined;
  if (!row?.accessToken || !integration || row.refreshLeaseOwner !== owner || (row.lastVerifiedAt !== null && row.lastVerifiedAt > verifiedBefore)) {
    await releaseLease(id, owner);
    return "skipped";
  }
  let userId: string;
  try {
    userId = await integration.identifyUser(openToken(row.accessToken, row.id, "access_token"));
  } catch (error) {
    if (error instanceof ServiceError && error.kind === "invalid_grant") {
      try {
        await revokedByService(row, `${integration.name} rejected the user token at verification (HTTP ${error.status ?? 401})`);
        return "revoked";
      } catch (moved) {
        if (!(moved instanceof IllegalTransitionError)) throw moved;
        return "skipped"; // disconnected meanwhile: nothing left to revoke
      }
    }
    await releaseLease(id, owner);
    return "failed";
  }
  if (row.providerAccountId !== null && userId !== row.providerAccountId) {
    // The token answers for another user than the one linked: not proof that this connection works.
    await releaseLease(id, owner);
    return "failed";
  }
  return (await verified(id, owner)) ? "verified" : "skipped";
}
