import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, ne, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { db, type Executor } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, connectionEvents, type Account, type ConnectionState, type EventKind, type ServiceId } from "@/db/schema";
import { sealedKeyId } from "@/lib/crypto";
import { env } from "@/lib/env";
import { CONNECTION_TRANSITIONS, LIVE_STATES, type TransitionName } from "@/lib/connections/state-machine";
import { eventRow, recordEvent, wantsWebhooks, type EventInput } from "@/lib/connections/events";
import { sealToken } from "@/lib/connections/sealing";
import { countRefresh } from "@/lib/metrics/registry";

/**
 * Every write to a connection row (`accounts`) lives in this module: the named transitions of
 * CONNECTION_TRANSITIONS (state-machine.ts, drawn in docs/connection-states.md), the single-flight lease, and
 * key rotation's re-sealing. Each transition checks its start state in the UPDATE itself (and the lease owner
 * where it is given), writes its columns and its connection_events rows atomically (the caller's transaction
 * when one is passed; else one statement on PostgreSQL, a transaction on SQLite), and throws
 * IllegalTransitionError when the row is in another state. ESLint
 * forbids `update(accounts)`, `insert(accounts)` and `delete(accounts)` anywhere else.
 */

/** A transition was asked of a connection in a state it may not start from (or whose lease another holds). */
export class IllegalTransitionError extends Error {
  override name = "IllegalTransitionError";
  constructor(
    readonly transition: TransitionName,
    readonly actual: ConnectionState | "none",
    readonly leaseLost = false,
  ) {
    super(`${transition} may not start from ${actual}${leaseLost ? " (lease held by another caller)" : ""}`);
  }
}

/** A transaction handle, or the database itself. */
type Tx = Executor;

/** Runs `body` in the caller's transaction `tx`, or in a new one. */
function inTransaction<T>(tx: Tx | undefined, body: (tx: Tx) => Promise<T>): Promise<T> {
  return tx ? body(tx) : db.transaction((t) => body(t));
}

/**
 * `state` among LIVE_STATES written as literals, exactly as the WHERE of the partial index
 * accounts_provider_account_live_uq: only then can either engine prove the index applies (a list of bound
 * parameters cannot), and finding who holds a service account is an index lookup instead of a scan of every
 * connection (120 ms at 200,000 rows on SQLite, for every link).
 */
export const LIVE_STATE_SQL = sql`${accounts.state} IN (${sql.raw(LIVE_STATES.map((state) => `'${state}'`).join(", "))})`;

/** Columns that end a refresh or revocation attempt: the lease is free again. */
const LEASE_FREE = { refreshLeaseOwner: null, refreshLeaseUntil: null } as const;
/** Columns that clear the failure bookkeeping, failingSince (when the current run of failed refreshes began) included. */
const NO_FAILURES = { failureCount: 0, lastError: null, lastErrorAt: null, nextAttemptAt: null, failingSince: null } as const;
/** A failed attempt: how many in a row, the error in words, and when the next attempt may run. */
interface Failure {
  message: string;
  nextAttemptAt: Date;
  failures: number;
}

/** The failure bookkeeping columns of a failed attempt, recorded now. */
const failureColumns = (failure: Failure) => ({
  failureCount: failure.failures,
  lastError: failure.message,
  lastErrorAt: new Date(),
  nextAttemptAt: failure.nextAttemptAt,
});

/** Columns that remove every credential. */
const NO_TOKENS = { accessToken: null, refreshToken: null, keyId: null, expiresAt: null } as const;

/**
 * Applies transition `name` to connection `id`: one UPDATE whose WHERE holds the allowed start states (and
 * `owner`'s lease when given), then `events`, atomically: in the caller's transaction `tx` when given; else, on
 * PostgreSQL, in one statement (the UPDATE and the events' INSERT as data-modifying CTEs: one round trip instead
 * of BEGIN, UPDATE, INSERT, COMMIT, which is most of a background refresh's database time), and on SQLite in a
 * transaction of its own (no data-modifying CTEs there; in-process statements cost no round trip). Events some
 * webhook endpoint subscribes to take the transaction path on PostgreSQL too, so their deliveries are written with
 * them (recordEvent). Throws IllegalTransitionError when no row matched.
 */
async function apply(
  tx: Tx | undefined,
  name: TransitionName,
  id: string,
  set: PgUpdateSetSource<typeof accounts>,
  events: EventInput[],
  owner?: string | null,
): Promise<void> {
  const from = (CONNECTION_TRANSITIONS[name].from as readonly (ConnectionState | "none")[]).filter((s): s is ConnectionState => s !== "none");
  const where: SQL[] = [eq(accounts.id, id), inArray(accounts.state, from)];
  if (owner) where.push(eq(accounts.refreshLeaseOwner, owner));
  const to = CONNECTION_TRANSITIONS[name].to;
  const values = { ...set, ...(to === "same" ? {} : { state: to }), updatedAt: new Date() };
  let moved: number;
  // Webhook deliveries are written with their event (recordEvent): the one-statement path has no room for them, so
  // a transition whose events some endpoint wants takes the transaction path (kinds no webhook carries cost nothing).
  if (!tx && db.engine === "postgres" && !(await wantsWebhooks(events.map((e) => e.kind)))) {
    moved = await updateAndRecord(
      db
        .update(accounts)
        .set(values)
        .where(and(...where))
        .returning({ id: accounts.id })
        .getSQL(), // the SQL itself: a query builder would be wrapped in parentheses, which a CTE may not have
      events,
    );
  } else if (!tx) {
    return db.transaction((t) => apply(t, name, id, set, events, owner));
  } else {
    moved =
      (
        await tx
          .update(accounts)
          .set(values)
          .where(and(...where))
      ).rowCount ?? 0;
    if (moved === 1) for (const event of events) await recordEvent(event, tx);
  }
  if (moved !== 1) {
    const current = await (tx ?? db)
      .select({ state: accounts.state, owner: accounts.refreshLeaseOwner })
      .from(accounts)
      .where(eq(accounts.id, id))
      .limit(1)
      .then(firstRow);
    throw new IllegalTransitionError(
      name,
      current?.state ?? "none",
      !!owner && current !== undefined && from.includes(current.state) && current.owner !== owner,
    );
  }
}

/**
 * PostgreSQL: runs `update` (an UPDATE … RETURNING id) and, only for the rows it changed, inserts `events`, in
 * one statement (`WITH moved AS (UPDATE …), logged AS (INSERT … SELECT … FROM moved) SELECT count(*) FROM
 * moved`): atomic without a transaction, one round trip. Resolves to the number of rows updated.
 */
async function updateAndRecord(update: SQL, events: EventInput[]): Promise<number> {
  const columns = sql.join(
    [
      connectionEvents.actorId,
      connectionEvents.athleteId,
      connectionEvents.service,
      connectionEvents.kind,
      connectionEvents.detail,
      connectionEvents.latencyMs,
      connectionEvents.at,
    ].map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  const selects = events.map((e) => {
    const row = eventRow(e);
    return sql`SELECT ${row.actorId}::text, ${row.athleteId}::text, ${row.service}::text, ${row.kind}::text, ${row.detail}::text, ${row.latencyMs}::integer, ${row.at.toISOString()}::timestamptz FROM moved`;
  });
  const logged = selects.length ? sql`, logged AS (INSERT INTO ${connectionEvents} (${columns}) ${sql.join(selects, sql` UNION ALL `)})` : sql``;
  const result = await db.execute<{ n: number }>(sql`WITH moved AS (${update})${logged} SELECT count(*)::int AS n FROM moved`);
  return Number(result.rows[0]?.n ?? 0);
}

const event = (
  row: Pick<Account, "userId" | "provider">,
  actorId: string | null,
  kind: EventKind,
  detail: string | null,
  latencyMs?: number | null,
): EventInput => ({
  actorId,
  athleteId: row.userId,
  service: row.provider,
  kind,
  detail,
  latencyMs,
});

// ---------- linking ----------

/** Freshly issued tokens and what the service said about them, as `linked` stores them (plain; sealed here). */
export interface LinkedTokens {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number | null;
  tokenType: string | null;
  grantedScope: string[];
}

/**
 * `linked`: stores (or replaces) the connection of `athleteId` to `service`, from no row or any state but
 * `revocation_pending` (its tokens still owe a revocation), with fresh tokens sealed under the row's id, and
 * writes `linked` (or `relinked` when it was connected). The exchange just proved the grant, so lastVerifiedAt
 * is now; failures (failingSince included) are cleared. Throws AccountInUseError when `accountId` is connected
 * to another athlete, IllegalTransitionError from `revocation_pending`. Returns the connection id.
 */
export async function linked(
  input: {
    athleteId: string;
    actorId: string;
    service: Account["provider"];
    tokens: LinkedTokens;
    accountId: string | null;
    requestedScopes: readonly string[];
    environment: string;
    note?: string;
  },
  tx?: Tx,
): Promise<string> {
  return inTransaction(tx, async (t) => {
    if (input.accountId) {
      // Only a live connection holds a service account (docs/SECURITY.md row 20): once unlinked it is free again.
      const other = await t
        .select({ id: accounts.id })
        .from(accounts)
        .where(
          and(
            eq(accounts.provider, input.service),
            eq(accounts.providerAccountId, input.accountId),
            ne(accounts.userId, input.athleteId),
            LIVE_STATE_SQL,
          ),
        )
        .limit(1)
        .then(firstRow);
      if (other) throw new AccountInUseError();
    }
    const existing = await t
      .select({ id: accounts.id, state: accounts.state, providerAccountId: accounts.providerAccountId })
      .from(accounts)
      .where(and(eq(accounts.userId, input.athleteId), eq(accounts.provider, input.service)))
      .limit(1)
      .then(firstRow);
    if (existing && !(CONNECTION_TRANSITIONS.linked.from as readonly string[]).includes(existing.state)) {
      throw new IllegalTransitionError("linked", existing.state);
    }
    const id = existing?.id ?? randomUUID();
    const now = new Date();
    const accessToken = sealToken(input.tokens.accessToken, id, "access_token");
    const scope = input.tokens.grantedScope.join(" ");
    const row = {
      providerAccountId: input.accountId,
      accessToken,
      refreshToken: input.tokens.refreshToken ? sealToken(input.tokens.refreshToken, id, "refresh_token") : null,
      keyId: sealedKeyId(accessToken),
      expiresAt: input.tokens.expiresAt,
      tokenType: input.tokens.tokenType,
      scope,
      requestedScope: input.requestedScopes.join(" "),
      environment: input.environment,
      state: "connected" as const,
      linkedAt: now,
      lastRefreshedAt: null,
      lastVerifiedAt: now,
      ...NO_FAILURES,
      ...LEASE_FREE,
      updatedAt: now,
    };
    if (existing) {
      await t.update(accounts).set(row).where(eq(accounts.id, id));
    } else {
      await t.insert(accounts).values({ id, userId: input.athleteId, provider: input.service, type: "oauth", ...row });
    }
    const kind = existing?.state === "connected" ? "relinked" : "linked";
    const otherAccount =
      existing?.providerAccountId && input.accountId && existing.providerAccountId !== input.accountId
        ? `a different service account than before (was ${existing.providerAccountId}, now ${input.accountId})`
        : null;
    await recordEvent(
      {
        actorId: input.actorId,
        athleteId: input.athleteId,
        service: input.service,
        kind,
        detail: [`granted: ${scope || "(none)"}`, otherAccount, input.note].filter(Boolean).join("; "),
      },
      t,
    );
    return id;
  });
}

/** The service account is already connected to another athlete. */
export class AccountInUseError extends Error {
  override name = "AccountInUseError";
}

// ---------- refresh ----------

/**
 * `refreshed` (under `owner`'s lease, from connected): the new access token, the new refresh token (or the old
 * one when `refreshToken` is null: not rotated or not sent), the expiry in seconds, the granted scope; a
 * successful refresh proves the grant, so lastRefreshedAt and lastVerifiedAt are now; clears failures
 * (failingSince included) and the lease; writes a `refreshed` event with `detail` and `latencyMs` (how long the
 * service took to answer, in milliseconds, when measured). Once committed, counts
 * trainlink_refresh_total{outcome="success"} (lib/metrics).
 */
export async function refreshed(
  row: Account,
  owner: string,
  issued: { accessToken: string; refreshToken: string | null; expiresAt: number | null; grantedScope: string[] | null },
  actorId: string | null,
  detail: string,
  latencyMs?: number | null,
): Promise<void> {
  const accessToken = sealToken(issued.accessToken, row.id, "access_token");
  const now = new Date();
  await apply(
    undefined,
    "refreshed",
    row.id,
    {
      accessToken,
      refreshToken: issued.refreshToken !== null ? sealToken(issued.refreshToken, row.id, "refresh_token") : row.refreshToken,
      keyId: sealedKeyId(accessToken),
      expiresAt: issued.expiresAt,
      scope: issued.grantedScope ? issued.grantedScope.join(" ") : row.scope,
      lastRefreshedAt: now,
      lastVerifiedAt: now,
      ...NO_FAILURES,
      ...LEASE_FREE,
    },
    [event(row, actorId, "refreshed", detail, latencyMs)],
    owner,
  );
  countRefresh(row.provider, "success");
}

/**
 * `refreshFailed` (under `owner`'s lease, from connected): a transient failure. Tokens kept; failure count,
 * error and the next attempt time recorded; failingSince set to now unless a run of failures already began
 * (it keeps that instant: alerts wait a quiet period from it); the lease freed; a `refresh_failed` event with
 * `detail` and `latencyMs` (milliseconds the service took to answer, when measured). Once committed, counts
 * trainlink_refresh_total{outcome="service_failure"}.
 */
export async function refreshFailed(
  row: Account,
  owner: string,
  failure: Failure,
  actorId: string | null,
  detail: string,
  latencyMs?: number | null,
): Promise<void> {
  const failingSince = sql`coalesce(${accounts.failingSince}, ${sql.param(new Date(), accounts.failingSince)})`;
  await apply(
    undefined,
    "refreshFailed",
    row.id,
    { ...failureColumns(failure), failingSince, ...LEASE_FREE },
    [event(row, actorId, "refresh_failed", detail, latencyMs)],
    owner,
  );
  countRefresh(row.provider, "service_failure");
}

/**
 * `needsReauth` (from connected; under `owner`'s lease when given): the service refused the stored grant, so
 * the athlete must link again. Writes `refresh_failed` (refused: `reason`, with `latencyMs`: milliseconds the
 * refusing call took, when measured) and `needs_reauth` events; once committed, counts
 * trainlink_refresh_total{outcome="reauth_required"}.
 */
export async function needsReauth(
  row: Account,
  owner: string | null,
  reason: string,
  actorId: string | null,
  latencyMs?: number | null,
): Promise<void> {
  await apply(
    undefined,
    "needsReauth",
    row.id,
    { lastError: reason, lastErrorAt: new Date(), nextAttemptAt: null, ...LEASE_FREE },
    [event(row, actorId, "refresh_failed", `refused: ${reason}`, latencyMs), event(row, null, "needs_reauth", "the athlete must reconnect")],
    owner,
  );
  countRefresh(row.provider, "reauth_required");
}

// ---------- disconnect and revocation ----------

/**
 * `revocationPending` (from connected, needs_reauth or revocation_pending): the service could not be reached to
 * revoke; tokens kept until it accepts. Records the failure count, error and next attempt, and a
 * `revocation_pending` event.
 */
export async function revocationPending(row: Account, actorId: string | null, failure: Failure): Promise<void> {
  await apply(undefined, "revocationPending", row.id, { ...failureColumns(failure), ...LEASE_FREE }, [
    event(row, actorId, "revocation_pending", `${failure.message}; retried automatically, next after ${failure.nextAttemptAt.toISOString()}`),
  ]);
}

/** `revocationRetryFailed` (under `owner`'s lease, from revocation_pending): another failed attempt, the next one scheduled. */
export async function revocationRetryFailed(row: Account, owner: string, failure: Failure): Promise<void> {
  await apply(
    undefined,
    "revocationRetryFailed",
    row.id,
    { ...failureColumns(failure), ...LEASE_FREE },
    [event(row, null, "revocation_failed", `${failure.message}; next attempt after ${failure.nextAttemptAt.toISOString()}`)],
    owner,
  );
}

/** `disconnected` (from connected, needs_reauth or revocation_pending): tokens wiped, a `disconnected` event with who and how. */
export async function disconnected(row: Account, actorId: string | null, detail: string): Promise<void> {
  await apply(undefined, "disconnected", row.id, { ...NO_TOKENS, ...NO_FAILURES, ...LEASE_FREE }, [event(row, actorId, "disconnected", detail)]);
}

/**
 * `revocationRefused` (from connected, needs_reauth or revocation_pending): the service refused to revoke (not
 * a transient failure), and the athlete's Disconnect still wins: tokens wiped here, never used again, with a
 * `revocation_refused` event carrying the service's answer and a `disconnected` event.
 */
export async function revocationRefused(row: Account, actorId: string | null, answer: string): Promise<void> {
  await apply(undefined, "revocationRefused", row.id, { ...NO_TOKENS, ...NO_FAILURES, ...LEASE_FREE }, [
    event(row, actorId, "revocation_refused", answer),
    event(row, actorId, "disconnected", "the service refused the revocation; tokens wiped here and never used again"),
  ]);
}

/**
 * `revokedByService` (from connected, needs_reauth or revocation_pending): the service ended the grant (enduco's
 * deregister webhook, FitRankings refusing the user token at verification); tokens wiped, no failing run left,
 * a `deregistered_by_service` event with `detail`. Uses `tx` when given.
 */
export async function revokedByService(row: Account, detail: string, tx?: Tx): Promise<void> {
  await apply(tx, "revokedByService", row.id, { ...NO_TOKENS, failureCount: 0, nextAttemptAt: null, failingSince: null, ...LEASE_FREE }, [
    event(row, null, "deregistered_by_service", detail),
  ]);
}

/** `planChanged` (any state but disconnected; the state is kept): the service's notice time and a `plan_changed` event. Uses `tx` when given. */
export async function planChanged(row: Account, detail: string, tx?: Tx): Promise<void> {
  await apply(tx, "planChanged", row.id, { planChangedAt: new Date() }, [event(row, null, "plan_changed", detail)]);
}

// ---------- the single-flight lease (no state change) ----------

/**
 * How long a refresh or revocation lease is held at most, in milliseconds: long enough for three outbound
 * calls (OUTBOUND_TIMEOUT_MS each: a refresh, then ExorLive's two-call re-link from scratch) plus 5 s, so a
 * lease only lapses when its holder died.
 */
export function leaseMs(): number {
  return env.OUTBOUND_TIMEOUT_MS * 3 + 5_000;
}

/**
 * Claims the single-flight lease of connection `id` for `owner` with one conditional UPDATE, which works the
 * same across processes sharing the database: it succeeds only when the row is in `state` (or one of the
 * states) and no unexpired lease is held. Returns true when claimed.
 */
export async function claimLease(id: string, owner: string, state: ConnectionState | readonly ConnectionState[]): Promise<boolean> {
  const now = Date.now();
  const states = typeof state === "string" ? [state] : [...state];
  const result = await db
    .update(accounts)
    .set({ refreshLeaseOwner: owner, refreshLeaseUntil: new Date(now + leaseMs()) })
    .where(
      and(
        eq(accounts.id, id),
        inArray(accounts.state, states),
        or(isNull(accounts.refreshLeaseUntil), lt(accounts.refreshLeaseUntil, new Date(now))),
      ),
    );
  return result.rowCount === 1;
}

function backoffPassed(nowMs: number): SQL | undefined {
  return or(isNull(accounts.nextAttemptAt), lte(accounts.nextAttemptAt, new Date(nowMs)));
}

/**
 * The condition "due for a refresh at `nowMs`" (milliseconds since the epoch), whoever holds its lease: connected,
 * with a refresh token, the access token expiring within REFRESH_MARGIN_SECONDS, the backoff passed, and the
 * service not in `paused`. The refresher's claim (claimDue) and the backlog figures (lib/connections/backlog.ts)
 * share it.
 */
export function refreshDueWhere(nowMs: number, paused: readonly ServiceId[] = []): SQL | undefined {
  return and(
    eq(accounts.state, "connected"),
    isNotNull(accounts.refreshToken),
    lte(accounts.expiresAt, Math.floor(nowMs / 1000) + env.REFRESH_MARGIN_SECONDS),
    backoffPassed(nowMs),
    paused.length > 0 ? notInArray(accounts.provider, [...paused]) : undefined,
  );
}

/**
 * Claims, for `owner`, the leases of up to `limit` connections the background refresher should work on at
 * `nowMs` (milliseconds since the epoch), most urgent first, and returns their rows:
 * - `refresh`: connected, with a refresh token, the access token expiring within REFRESH_MARGIN_SECONDS, the
 *   backoff passed, and the service not in `paused`;
 * - `revocation`: revocation_pending with the backoff passed.
 * One statement (`UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING *`), so it is atomic on both engines; on
 * PostgreSQL the inner SELECT takes its rows `FOR UPDATE SKIP LOCKED`, so instances claiming at the same moment
 * take disjoint sets instead of waiting for each other. Rows whose lease another holds are never returned.
 */
export async function claimDue(
  kind: "refresh" | "revocation",
  owner: string,
  limit: number,
  nowMs: number,
  paused: readonly ServiceId[] = [],
): Promise<Account[]> {
  const leaseFree = or(isNull(accounts.refreshLeaseUntil), lt(accounts.refreshLeaseUntil, new Date()));
  const due =
    kind === "refresh"
      ? and(refreshDueWhere(nowMs, paused), leaseFree)
      : and(eq(accounts.state, "revocation_pending"), backoffPassed(nowMs), leaseFree);
  const candidates = db
    .select({ id: accounts.id })
    .from(accounts)
    .where(due)
    .orderBy(kind === "refresh" ? asc(accounts.expiresAt) : asc(accounts.nextAttemptAt))
    .limit(limit);
  const chosen = db.engine === "postgres" ? candidates.for("update", { skipLocked: true }) : candidates;
  return db
    .update(accounts)
    .set({ refreshLeaseOwner: owner, refreshLeaseUntil: new Date(Date.now() + leaseMs()) })
    .where(and(inArray(accounts.id, chosen), leaseFree))
    .returning();
}

/**
 * A verification request (lib/connections/verify.ts) just proved connection `id` works: sets lastVerifiedAt to
 * now and frees the lease, only while `owner` holds it and the row is connected. No state change and no event
 * (one every VERIFY_INTERVAL_SECONDS per connection would bury the history). Resolves to true when written,
 * false when the lease was lost or the connection left `connected` meanwhile.
 */
export async function verified(id: string, owner: string): Promise<boolean> {
  const result = await db
    .update(accounts)
    .set({ lastVerifiedAt: new Date(), ...LEASE_FREE })
    .where(and(eq(accounts.id, id), eq(accounts.state, "connected"), eq(accounts.refreshLeaseOwner, owner)));
  return result.rowCount === 1;
}

/** Releases the lease of `id` if `owner` still holds it. */
export async function releaseLease(id: string, owner: string): Promise<void> {
  await db
    .update(accounts)
    .set(LEASE_FREE)
    .where(and(eq(accounts.id, id), eq(accounts.refreshLeaseOwner, owner)));
}

// ---------- key rotation (no state change) ----------

/** Writes re-sealed token values of connection `id` (npm run keys:rotate), inside the caller's transaction `tx`. */
export async function resealTokens(tx: Tx, id: string, sealed: { accessToken: string | null; refreshToken: string | null }): Promise<void> {
  await tx
    .update(accounts)
    .set({ ...sealed, keyId: sealed.accessToken ? sealedKeyId(sealed.accessToken) : null })
    .where(eq(accounts.id, id));
}
