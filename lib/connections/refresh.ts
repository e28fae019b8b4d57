import "server-only";
import { randomUUID } from "node:crypto";
import type { Account } from "@/db/schema";
import { env } from "@/lib/env";
import { getIntegration, isServerToServer } from "@/lib/integrations/registry";
import { ServiceError } from "@/lib/integrations/http";
import { recordEvent } from "@/lib/connections/events";
import { backoffMs, claimLease, leaseMs, readConnection, releaseLease } from "@/lib/connections/lease";
import { credentialsAccepted, credentialsRejected, isOperatorError } from "@/lib/connections/service-health";
import { openToken } from "@/lib/connections/sealing";
import { countRefresh } from "@/lib/metrics/registry";
import { IllegalTransitionError, needsReauth, refreshed, refreshFailed } from "@/lib/connections/transitions";
import type { RefreshFailureKind } from "@/lib/messages/connections";

/** The connection cannot give a token: not connected, needs reconnecting, or gone. `message` is safe to show. */
export class ConnectionUnavailableError extends Error {
  override name = "ConnectionUnavailableError";
}

/**
 * A refresh failed. `reauth` is true when the service refused the refresh token (the athlete must link
 * again); false for transient failures (tokens kept, retried with backoff). `message` is safe to show.
 */
export class RefreshFailedError extends Error {
  override name = "RefreshFailedError";
  constructor(
    message: string,
    readonly reauth: boolean,
    /** The failure's class for the athlete's sentence (lib/messages refreshFailureMessage); `message` is the detailed one. */
    readonly kind: RefreshFailureKind = reauth ? "reauth" : "transient",
  ) {
    super(message);
  }
}

/** The athlete asked to refresh again too soon after the last attempt. `message` is safe to show. */
export class RefreshThrottledError extends Error {
  override name = "RefreshThrottledError";
}

/** Least time between two refreshes an athlete asks for on one connection, in seconds. */
export const MANUAL_REFRESH_INTERVAL_SECONDS = 30;

/**
 * This process's refreshes in flight (connection id → its promise: the in-process single flight) and the lease
 * owner of each on-demand one (connection id → owner). Kept on globalThis: Next.js loads this module once in the
 * instrumentation bundle (the refresher, the shutdown handler) and again in route bundles (pages, the API), and
 * both must see one process-wide set.
 */
const shared = globalThis as unknown as { trainlinkRefreshes?: { inflight: Map<string, Promise<string>>; onDemandOwners: Map<string, string> } };
const { inflight, onDemandOwners } = (shared.trainlinkRefreshes ??= { inflight: new Map(), onDemandOwners: new Map() });

/**
 * Graceful shutdown (lib/shutdown.ts): resolves once no refresh of this process is in flight (on-demand ones from
 * requests and the refresher's), waiting again for any that started meanwhile. Never rejects.
 */
export async function settleInflightRefreshes(): Promise<void> {
  while (inflight.size > 0) await Promise.allSettled([...inflight.values()]);
}

/**
 * The leases on-demand refreshes of this process may hold right now, as { id, owner } pairs, for the shutdown
 * deadline to release (releaseLease frees one only while that owner holds it).
 */
export function inflightLeases(): { id: string; owner: string }[] {
  return [...onDemandOwners].map(([id, owner]) => ({ id, owner }));
}

/**
 * A refresh the athlete asked for (the card's Refresh button): at most one per connection every
 * MANUAL_REFRESH_INTERVAL_SECONDS (30 s) after the last attempt, successful or not, so repeated clicks cannot
 * hammer the service; then getFreshAccessToken with `force`. Throws RefreshThrottledError (saying how long to
 * wait, in seconds) before that, and whatever getFreshAccessToken throws.
 */
export async function refreshOnRequest(connectionId: string, actorId: string, nowMs = Date.now()): Promise<string> {
  const row = await readConnection(connectionId);
  const last = Math.max(row?.lastRefreshedAt?.getTime() ?? 0, row?.lastErrorAt?.getTime() ?? 0);
  const waitSeconds = Math.ceil((last + MANUAL_REFRESH_INTERVAL_SECONDS * 1000 - nowMs) / 1000);
  if (row && waitSeconds > 0) {
    const name = getIntegration(row.provider).name;
    throw new RefreshThrottledError(
      `${name} was refreshed moments ago. You can refresh it again in ${waitSeconds} second${waitSeconds === 1 ? "" : "s"}.`,
    );
  }
  return getFreshAccessToken(connectionId, { force: true, actorId });
}

function isFresh(row: Account, marginSeconds: number, nowMs: number): boolean {
  return row.expiresAt === null || row.expiresAt * 1000 - nowMs > marginSeconds * 1000;
}

function usable(row: Account | undefined): row is Account & { accessToken: string } {
  return row !== undefined && row.state === "connected" && row.accessToken !== null;
}

function unavailable(row: Account | undefined): ConnectionUnavailableError {
  const name = row ? getIntegration(row.provider).name : "The service";
  if (row?.state === "needs_reauth")
    return new ConnectionUnavailableError(`${name} needs to be reconnected: it no longer accepts the stored refresh token.`);
  return new ConnectionUnavailableError(`${name} is not connected.`);
}

/**
 * The access token of connection `connectionId`, refreshed first when it expires within `marginSeconds`
 * (default REFRESH_MARGIN_SECONDS, 300) or when `force` is set. Everything that needs a token calls this.
 *
 * Single flight (docs/SECURITY.md row 6, RFC 6749 §6 with rotation): concurrent calls in this process share one
 * promise; across processes a lease claimed with a conditional UPDATE lets exactly one caller refresh while the
 * others wait and then read the stored result. The new access token, the new refresh token (or the old one when
 * the response omits it) and the new expiry are written in one transaction, with a `refreshed` event.
 *
 * `actorId` is who asked (null for the background refresher), recorded in the events.
 * Throws ConnectionUnavailableError (not connected, needs reconnect) or RefreshFailedError: `reauth` only for
 * `invalid_grant` (the connection becomes `needs_reauth`); for a refusal of TrainLink's own client credentials
 * (`invalid_client`, `unauthorized_client`, `unsupported_grant_type`, a bare 401) the connection is kept as it
 * is and the service is flagged and paused (service-health.ts); otherwise transient (5xx, timeout, network,
 * another 4xx: tokens kept, error recorded, next attempt after a backoff).
 */
export async function getFreshAccessToken(
  connectionId: string,
  options: { marginSeconds?: number; force?: boolean; actorId?: string | null } = {},
): Promise<string> {
  const actorId = options.actorId ?? null;
  const margin = options.marginSeconds ?? env.REFRESH_MARGIN_SECONDS;
  const row = await readConnection(connectionId);
  if (!usable(row)) throw unavailable(row);
  if (!options.force && isFresh(row, margin, Date.now())) return openToken(row.accessToken, row.id, "access_token");
  const integration = getIntegration(row.provider);
  if (!integration.refresh || !row.refreshToken) {
    if (row.expiresAt === null || row.expiresAt * 1000 > Date.now()) return openToken(row.accessToken, row.id, "access_token");
    await markNeedsReauth(row, null, "the access token expired and the service gave no refresh token", actorId);
    throw new RefreshFailedError(`${integration.name} access expired and cannot be refreshed: reconnect it.`, true);
  }
  let pending = inflight.get(connectionId);
  if (!pending) {
    pending = refreshUnderLease(connectionId, margin, options.force ?? false, actorId).finally(() => inflight.delete(connectionId));
    inflight.set(connectionId, pending);
  }
  return pending;
}

/** A fresh access token with what was stored beside it: its expiry (seconds since the epoch, or null) and granted scope. */
export interface IssuedAccessToken {
  accessToken: string;
  expiresAt: number | null;
  scope: string | null;
  connection: Pick<Account, "id" | "userId" | "provider">;
}

/**
 * getFreshAccessToken, with the expiry and scope stored with the token it returns (for the API's access-token
 * answer): a fresh token costs one read; otherwise the refresh runs as getFreshAccessToken runs it (single
 * flight, lease) and the row is read again, so the token and its expiry always come from one read of the row.
 * Resolves to null when there is no connection `connectionId`; throws what getFreshAccessToken throws.
 */
export async function getFreshAccessTokenWithExpiry(
  connectionId: string,
  options: { marginSeconds?: number; actorId?: string | null } = {},
): Promise<IssuedAccessToken | null> {
  const margin = options.marginSeconds ?? env.REFRESH_MARGIN_SECONDS;
  const issued = (row: Account & { accessToken: string }): IssuedAccessToken => ({
    accessToken: openToken(row.accessToken, row.id, "access_token"),
    expiresAt: row.expiresAt,
    scope: row.scope,
    connection: { id: row.id, userId: row.userId, provider: row.provider },
  });
  const row = await readConnection(connectionId);
  if (!row) return null;
  if (usable(row) && isFresh(row, margin, Date.now())) return issued(row);
  await getFreshAccessToken(connectionId, { marginSeconds: margin, actorId: options.actorId ?? null });
  const after = await readConnection(connectionId);
  if (!usable(after)) throw unavailable(after);
  return issued(after);
}

/**
 * The background refresher's refresh of a connection whose lease `owner` already holds (claimed with claimDue,
 * so it is connected, due and has a refresh token): refreshes it now, sharing the single flight with on-demand
 * callers of this process. Resolves when stored; throws what getFreshAccessToken throws.
 */
export async function refreshClaimed(row: Account, owner: string): Promise<void> {
  if (!usable(row)) {
    await releaseLease(row.id, owner);
    throw unavailable(row);
  }
  const pending = refreshNow(row, owner, null);
  if (!inflight.has(row.id)) {
    inflight.set(row.id, pending);
    const forget = () => inflight.get(row.id) === pending && inflight.delete(row.id);
    pending.then(forget, forget);
  }
  await pending;
}

async function refreshUnderLease(id: string, margin: number, force: boolean, actorId: string | null): Promise<string> {
  const owner = randomUUID();
  onDemandOwners.set(id, owner);
  try {
    return await refreshUnderOwnLease(id, owner, margin, force, actorId);
  } finally {
    onDemandOwners.delete(id);
  }
}

async function refreshUnderOwnLease(id: string, owner: string, margin: number, force: boolean, actorId: string | null): Promise<string> {
  const startedAt = Date.now();
  const deadline = startedAt + leaseMs() + 5_000;
  for (;;) {
    const claimed = await claimLease(id, owner, "connected");
    const row = await readConnection(id);
    if (!usable(row)) {
      if (claimed) await releaseLease(id, owner);
      throw unavailable(row);
    }
    const refreshedMeanwhile = row.lastRefreshedAt !== null && row.lastRefreshedAt.getTime() >= startedAt;
    if (refreshedMeanwhile || (!force && isFresh(row, margin, Date.now()))) {
      if (claimed) await releaseLease(id, owner);
      return openToken(row.accessToken, row.id, "access_token");
    }
    if (claimed) return refreshNow(row, owner, actorId);
    if (row.lastErrorAt !== null && row.lastErrorAt.getTime() >= startedAt) {
      throw new RefreshFailedError(row.lastError ?? "The refresh failed.", false);
    }
    if (Date.now() > deadline) throw new RefreshFailedError("Another refresh of this connection is still running; try again shortly.", false, "busy");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function refreshNow(row: Account & { accessToken: string }, owner: string, actorId: string | null): Promise<string> {
  const integration = getIntegration(row.provider);
  let issued;
  let previousRefreshToken: string;
  // How long the service took to answer, in milliseconds, for the System page's median (null: never called).
  let calledAt: number | null = null;
  const latencyMs = () => (calledAt === null ? null : performance.now() - calledAt);
  try {
    previousRefreshToken = openToken(row.refreshToken!, row.id, "refresh_token");
    calledAt = performance.now();
    issued = await integration.refresh!(previousRefreshToken);
  } catch (error) {
    if (error instanceof ServiceError && error.kind === "invalid_grant" && isServerToServer(integration) && row.providerAccountId) {
      return relinkFromScratch(row, owner, error, actorId);
    }
    throw await recordRefreshFailure(row, owner, error, actorId, latencyMs());
  }
  const tookMs = latencyMs();
  const rotated = issued.refreshToken !== null && issued.refreshToken !== previousRefreshToken;
  const detail = [
    issued.expiresAt ? `new access token valid until ${new Date(issued.expiresAt * 1000).toISOString()}` : "new access token without expiry",
    rotated ? "refresh token rotated" : issued.refreshToken === null ? "refresh token kept (none in the response)" : "refresh token unchanged",
    row.failureCount > 0 ? `recovered after ${row.failureCount} failed attempt(s)` : null,
  ]
    .filter(Boolean)
    .join("; ");
  try {
    await refreshed(row, owner, { ...issued, refreshToken: rotated ? issued.refreshToken : null }, actorId, detail, tookMs);
  } catch (error) {
    if (error instanceof IllegalTransitionError)
      throw new ConnectionUnavailableError(`${integration.name} was disconnected while it was being refreshed.`);
    throw error;
  }
  await credentialsAccepted(row.provider);
  return issued.accessToken;
}

/**
 * A server-to-server service (ExorLive) refused the refresh token with `invalid_grant`. Its doc lets a client
 * get a new token "from scratch", and we hold the user id and the client secret, so the connection re-links
 * itself (under the same lease): new tokens are stored with the `refreshed` transition and an event saying
 * how they were obtained. Only when that fails too does the connection need an administrator
 * (`needs_reauth`); a transient failure or a refusal of our own credentials is recorded as such (retried,
 * or the service paused), and the next attempt tries again. Resolves to the new access token; throws
 * RefreshFailedError or ConnectionUnavailableError.
 */
async function relinkFromScratch(
  row: Account & { accessToken: string },
  owner: string,
  refused: ServiceError,
  actorId: string | null,
): Promise<string> {
  const integration = getIntegration(row.provider);
  if (!isServerToServer(integration) || !row.providerAccountId) throw await recordRefreshFailure(row, owner, refused, actorId);
  let exchange;
  try {
    exchange = await integration.linkUser(row.providerAccountId);
  } catch (error) {
    if (error instanceof ServiceError && (error.transient || isOperatorError(error))) throw await recordRefreshFailure(row, owner, error, actorId);
    const reason = `${refused.message}; a new token from scratch failed too (${error instanceof ServiceError ? error.message : "unexpected error"})`;
    await markNeedsReauth(row, owner, reason, actorId);
    throw new RefreshFailedError(
      `${integration.name} no longer accepts the stored authorization, and a new one could not be obtained (${reason}). An administrator must link ${integration.name} again.`,
      true,
    );
  }
  const { tokens } = exchange;
  const detail = [
    `the refresh token was refused (${refused.message}); new tokens obtained from scratch for ${integration.name} user ${row.providerAccountId}`,
    tokens.expiresAt ? `new access token valid until ${new Date(tokens.expiresAt * 1000).toISOString()}` : null,
  ]
    .filter(Boolean)
    .join("; ");
  try {
    await refreshed(
      row,
      owner,
      { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, grantedScope: tokens.grantedScope },
      actorId,
      detail,
    );
  } catch (error) {
    if (error instanceof IllegalTransitionError)
      throw new ConnectionUnavailableError(`${integration.name} was disconnected while it was being refreshed.`);
    throw error;
  }
  await credentialsAccepted(row.provider);
  return tokens.accessToken;
}

/**
 * Records a failed refresh on the row (under our lease), with `latencyMs` (how long the refusing call took, in
 * milliseconds, when one was made), and returns the error to throw.
 */
async function recordRefreshFailure(
  row: Account,
  owner: string,
  error: unknown,
  actorId: string | null,
  latencyMs: number | null = null,
): Promise<RefreshFailedError> {
  const name = getIntegration(row.provider).name;
  const serviceError = error instanceof ServiceError ? error : null;
  const message = serviceError ? serviceError.message : `${name}'s stored refresh token could not be read`;
  if (serviceError && isOperatorError(serviceError)) {
    // TrainLink's own credentials were refused (a rotated or mistyped secret): the operator's problem. The
    // connection keeps its state and tokens; the refresher pauses the service until they work again.
    const retryAt = await credentialsRejected(row.provider, message);
    await releaseLease(row.id, owner);
    await recordEvent({
      actorId,
      athleteId: row.userId,
      service: row.provider,
      kind: "refresh_failed",
      detail: `service-level (${serviceError.oauthError ?? serviceError.kind}): ${message}; TrainLink's client credentials were refused; connection and tokens kept; refreshes of ${name} paused until ${retryAt.toISOString()}`,
      latencyMs,
    });
    countRefresh(row.provider, "credentials_rejected");
    return new RefreshFailedError(
      `${name} refused TrainLink's own credentials (${message}). Your connection is kept: an administrator has to correct TrainLink's ${name} settings, and it then recovers by itself.`,
      false,
      "credentials",
    );
  }
  // Only invalid_grant means the athlete's grant is gone (RFC 6749 §5.2); any other refusal keeps the connection.
  if (serviceError?.kind === "invalid_grant") {
    await markNeedsReauth(row, owner, message, actorId, latencyMs);
    return new RefreshFailedError(`${name} no longer accepts the stored authorization (${message}). Reconnect it.`, true);
  }
  const failures = row.failureCount + 1;
  const nextAttemptAt = new Date(Date.now() + backoffMs(failures));
  const detail = `transient (${serviceError?.kind ?? "unreadable"}): ${message}; tokens kept; next attempt after ${nextAttemptAt.toISOString()}`;
  await ignoreIfMovedOn(() => refreshFailed(row, owner, { message, nextAttemptAt, failures }, actorId, detail, latencyMs));
  return new RefreshFailedError(`${name} could not refresh the access token (${message}). The connection is kept and retried automatically.`, false);
}

/** Moves a connection to `needs_reauth` (the `needsReauth` transition), unless it left `connected` meanwhile; `latencyMs` as recordRefreshFailure. */
async function markNeedsReauth(
  row: Account,
  owner: string | null,
  reason: string,
  actorId: string | null,
  latencyMs: number | null = null,
): Promise<void> {
  await ignoreIfMovedOn(() => needsReauth(row, owner, reason, actorId, latencyMs));
}

/** Runs a transition that a concurrent Disconnect (or webhook) may have overtaken: then there is nothing to record. */
async function ignoreIfMovedOn(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof IllegalTransitionError)) throw error;
  }
}
