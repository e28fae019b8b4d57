import "server-only";
import { and, asc, eq, gt, isNull, or, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { db, type Executor } from "@/db";
import { accounts, connectionEvents, reconnectRequests, users, type EventKind, type ReconnectRequestStatus, type ServiceId } from "@/db/schema";
import { eventRow } from "@/lib/connections/events";
import { getIntegration } from "@/lib/integrations/registry";
import type { WorkerTask } from "@/lib/mail/worker";
import { formatUtc } from "@/lib/time";
import { CONNECTION_COLUMNS, factsOf, needsAthlete, statusOf, works, type ConnectionFacts } from "./connection";
import { enqueueRequestMail } from "./mail";

/** How long after a request its one reminder is due, in milliseconds: 3 days. */
export const REMINDER_AFTER_MS = 3 * 86_400_000;

/** Open requests read per query (a keyset page in the order of the open-request index). */
const BATCH = 200;

/** What one pass of runReconnectRequestChecks moved. */
export interface ReconnectCheckPass {
  reconnected: number;
  verified: number;
  reminded: number;
  cancelled: number;
}

const requester = alias(users, "requester");

/**
 * Open requests after `after` in (athlete, service) order, at most `limit`, with what the checks need: the
 * athlete, who asked, and the connection (no token). Walks reconnect_requests_open_uq (partial on
 * closed_at IS NULL, on (athlete_id, service)), so it reads open requests only and costs one index probe
 * when there are none; the joins are primary-key and accounts_user_provider_uq lookups.
 */
function openRequests(after: { athleteId: string; service: ServiceId } | null, limit: number) {
  const where: (SQL | undefined)[] = [isNull(reconnectRequests.closedAt)];
  if (after) {
    where.push(
      or(
        gt(reconnectRequests.athleteId, after.athleteId),
        and(eq(reconnectRequests.athleteId, after.athleteId), gt(reconnectRequests.service, after.service)),
      ),
    );
  }
  return db
    .select({
      id: reconnectRequests.id,
      athleteId: reconnectRequests.athleteId,
      service: reconnectRequests.service,
      status: reconnectRequests.status,
      createdAt: reconnectRequests.createdAt,
      reconnectedAt: reconnectRequests.reconnectedAt,
      remindedAt: reconnectRequests.remindedAt,
      athleteName: users.name,
      athleteEmail: users.email,
      athleteRole: users.role,
      athleteDisabledAt: users.disabledAt,
      requesterName: requester.name,
      requesterRole: requester.role,
      ...CONNECTION_COLUMNS,
    })
    .from(reconnectRequests)
    .innerJoin(users, eq(users.id, reconnectRequests.athleteId))
    .leftJoin(requester, eq(requester.id, reconnectRequests.requestedBy))
    .leftJoin(accounts, and(eq(accounts.userId, reconnectRequests.athleteId), eq(accounts.provider, reconnectRequests.service)))
    .where(and(...where))
    .orderBy(asc(reconnectRequests.athleteId), asc(reconnectRequests.service))
    .limit(limit);
}

type OpenRow = Awaited<ReturnType<typeof openRequests>>[number];

const stamp = (date: Date) => `${formatUtc(date, "d MMM yyyy, HH:mm")} UTC`;

/**
 * One transition of request `row`: a conditional UPDATE (WHERE its status is still `from` and it is open, plus
 * `also`), so of two instances checking at once only one moves it; then, only if it moved, its event and
 * whatever `after` writes (a mail), in the same transaction. Resolves to true when it moved.
 */
async function move(
  row: OpenRow,
  from: ReconnectRequestStatus,
  set: Partial<typeof reconnectRequests.$inferInsert>,
  event: { kind: EventKind; detail: string; at: Date },
  also?: SQL,
  after?: (tx: Executor) => Promise<string | null>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const moved = await tx
      .update(reconnectRequests)
      .set(set)
      .where(and(eq(reconnectRequests.id, row.id), eq(reconnectRequests.status, from), isNull(reconnectRequests.closedAt), also));
    if ((moved.rowCount ?? 0) !== 1) return false;
    const extra = after ? await after(tx) : null;
    const detail = extra ? `${event.detail}; ${extra}` : event.detail;
    await tx
      .insert(connectionEvents)
      .values(eventRow({ actorId: null, athleteId: row.athleteId, service: row.service, kind: event.kind, detail }, event.at));
    return true;
  });
}

/** Why an open request can no longer be answered, or null: the connection was disconnected or is gone, or the athlete is. */
function cancelReason(row: OpenRow, facts: ConnectionFacts | null, name: string): string | null {
  if (row.athleteRole !== "athlete") return `${row.athleteName} is no longer an athlete`;
  if (row.athleteDisabledAt) return `${row.athleteName}'s account was disabled`;
  if (!facts) return `the ${name} connection no longer exists`;
  if (facts.state === "disconnected" || facts.state === "revocation_pending") return `${name} was disconnected`;
  return null;
}

/** Applies what is due to one open request at `nowMs`; counts into `pass`. */
async function check(row: OpenRow, nowMs: number, pass: ReconnectCheckPass): Promise<void> {
  const now = new Date(nowMs);
  const name = getIntegration(row.service).name;
  const facts = factsOf(row);
  const cancel = cancelReason(row, facts, name);
  if (cancel !== null || !facts) {
    const detail = cancel ?? "cancelled";
    const moved = await move(row, row.status, { status: "cancelled", closedAt: now }, { kind: "reconnect_request_cancelled", detail, at: now });
    if (moved) pass.cancelled += 1;
    return;
  }
  let status = row.status;
  let reconnectedAt = row.reconnectedAt;
  // Linked again after the request was made: the athlete reconnected (linked_at is set by every (re)link).
  if ((status === "sent" || status === "opened") && facts.linkedAt && facts.linkedAt > row.createdAt) {
    const at = facts.linkedAt;
    if (
      !(await move(
        row,
        status,
        { status: "reconnected", reconnectedAt: at },
        { kind: "reconnect_request_reconnected", detail: `${name} linked again ${stamp(at)}`, at: now },
      ))
    )
      return;
    pass.reconnected += 1;
    status = "reconnected";
    reconnectedAt = at;
  }
  const current = statusOf(facts, row.service, nowMs);
  if (status === "reconnected") {
    // The first successful refresh or verification after the reconnect closes it (linking itself does not count).
    const verifiedAt = facts.lastVerifiedAt;
    if (verifiedAt && reconnectedAt && verifiedAt > reconnectedAt) {
      const detail = `${name} worked ${stamp(verifiedAt)}, after the reconnect`;
      if (await move(row, "reconnected", { status: "verified", closedAt: verifiedAt }, { kind: "reconnect_request_verified", detail, at: now }))
        pass.verified += 1;
    }
    return;
  }
  if (works(current)) {
    // Working again without a reconnect (a transient failure recovered): nothing is left to ask.
    const detail = `${name} works again without a reconnect`;
    if (await move(row, status, { status: "verified", closedAt: now }, { kind: "reconnect_request_verified", detail, at: now })) pass.verified += 1;
    return;
  }
  if (!row.remindedAt && row.createdAt.getTime() < nowMs - REMINDER_AFTER_MS && needsAthlete(current)) {
    const mail = (tx: Executor) =>
      enqueueRequestMail(
        {
          kind: "reminder",
          requestId: row.id,
          athlete: { id: row.athleteId, name: row.athleteName, email: row.athleteEmail },
          service: row.service,
          requester: row.requesterName && row.requesterRole ? { name: row.requesterName, role: row.requesterRole } : null,
          askedAt: row.createdAt,
          status: current,
        },
        tx,
      ).then((outcome) =>
        outcome === "queued"
          ? "emailed"
          : outcome === "opted_out"
            ? "no email: the athlete turned these emails off"
            : "no email: mail is off on this server",
      );
    const moved = await move(
      row,
      status,
      { remindedAt: now },
      { kind: "reconnect_request_reminded", detail: "reminder after 3 days", at: now },
      isNull(reconnectRequests.remindedAt),
      mail,
    );
    if (moved) pass.reminded += 1;
  }
}

/**
 * The periodic check of open reconnect requests (issue 15), at `nowMs` (milliseconds since the epoch):
 * - sent/opened whose connection was linked after the request was created → `reconnected` (reconnected_at =
 *   the connection's linked_at);
 * - reconnected whose connection's last_verified_at is after reconnected_at (a successful refresh or
 *   verification after the reconnect) → `verified`, closed at that moment: the request closes by itself when
 *   the connection works;
 * - sent/opened whose connection works again without a reconnect (connected or expiring) → `verified`, closed;
 * - sent/opened created more than REMINDER_AFTER_MS (3 days) before `nowMs`, never reminded, still needing the
 *   athlete → the one reminder (mail when the athlete wants it, dedupe key `reconnect:<id>:reminder`), reminded_at;
 * - any open request whose connection was disconnected (or is gone) or whose athlete was disabled or is no longer
 *   an athlete → `cancelled`, closed. (A deleted athlete's requests are deleted with them: ON DELETE CASCADE.)
 * Each transition is a conditional UPDATE on the expected status with its event (and mail) in one transaction,
 * so instances running at once never apply one twice. Reads open requests only, `batch` (default 200) at a time
 * in the open-request index's order. Resolves to what moved.
 */
export async function runReconnectRequestChecks(nowMs = Date.now(), { batch = BATCH } = {}): Promise<ReconnectCheckPass> {
  const pass: ReconnectCheckPass = { reconnected: 0, verified: 0, reminded: 0, cancelled: 0 };
  let after: { athleteId: string; service: ServiceId } | null = null;
  for (;;) {
    const rows = await openRequests(after, batch);
    for (const row of rows) await check(row, nowMs, pass);
    const last = rows.at(-1);
    if (rows.length < batch || !last) return pass;
    after = { athleteId: last.athleteId, service: last.service };
  }
}

/** The worker task of runReconnectRequestChecks (lib/mail/worker.ts runs it before sending the outbox). */
export const RECONNECT_REQUEST_TASK: WorkerTask = { name: "reconnect-requests", run: (nowMs) => runReconnectRequestChecks(nowMs) };
