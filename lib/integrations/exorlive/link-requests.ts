import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { db, type Executor } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, exorliveLinkRequests, users, type ExorLiveLinkRequest, type ExorLiveLinkRequestStatus, type Role } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { isOnRoster } from "@/lib/athlete-access";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan, can, ForbiddenError } from "@/lib/authz";
import { linkServerToServer } from "@/lib/integrations/exorlive/admin-link";
import { exorliveUserIdSchema } from "@/lib/integrations/exorlive/user-id";
import { enqueueMail } from "@/lib/mail/outbox";
import { appUrl, renderMail } from "@/lib/mail/render";
import type { Outcome } from "@/lib/result";
import { formatUtc } from "@/lib/time";

/** The longest note a requester may add, in characters. */
export const NOTE_MAX = 500;
/** The longest decline reason an admin may write, in characters. */
export const DECLINE_REASON_MAX = 500;
/** How many open requests the admin's queue shows at most (oldest first). */
export const QUEUE_LIMIT = 100;

/** Why a request was not created (the `error` beside it is the sentence to show). */
export type LinkRequestRefusal = "already_open" | "already_linked" | "athlete_disabled" | "invalid_user_id";

/** A created request, or a refusal with a sentence for the person who asked. */
export type RequestLinkResult = { request: ExorLiveLinkRequest } | { error: string; reason: LinkRequestRefusal };

/** One request as the athlete's card and the coach's page show it (times as Dates; the page passes milliseconds on). */
export interface LinkRequestView {
  id: string;
  status: ExorLiveLinkRequestStatus;
  exorliveUserId: string;
  note: string | null;
  createdAt: Date;
  requestedByName: string | null;
  requestedByRole: Role | null;
  decidedAt: Date | null;
  declineReason: string | null;
}

/** One open request in the admin's queue. */
export interface QueuedLinkRequest extends LinkRequestView {
  athleteId: string;
  athleteName: string;
  athleteEmail: string;
}

const refuse = (reason: LinkRequestRefusal, error: string) => ({ error, reason });

/**
 * Throws ForbiddenError unless `actor` may ask (or cancel a request) for `athleteId`: the athlete themself, or a
 * coach with that athlete on their roster. Admins link directly on the Services page, so they never ask.
 */
async function assertMayAskFor(actor: SessionUser, athleteId: string): Promise<void> {
  if (!can(actor, "exorlive_requests.create")) throw new ForbiddenError("Only an athlete or their coach can ask for ExorLive to be linked.");
  if (actor.role === "athlete" && actor.id === athleteId) return;
  if (actor.role === "coach" && (await isOnRoster(actor.id, athleteId))) return;
  throw new ForbiddenError(actor.role === "athlete" ? "You can only ask for your own account." : "You may only ask for athletes on your roster.");
}

const requester = alias(users, "requester");

/** The columns of LinkRequestView, with the requester joined as `requester`. */
const VIEW_COLUMNS = {
  id: exorliveLinkRequests.id,
  status: exorliveLinkRequests.status,
  exorliveUserId: exorliveLinkRequests.exorliveUserId,
  note: exorliveLinkRequests.note,
  createdAt: exorliveLinkRequests.createdAt,
  requestedByName: requester.name,
  requestedByRole: requester.role,
  decidedAt: exorliveLinkRequests.decidedAt,
  declineReason: exorliveLinkRequests.declineReason,
};

/** The open request of `athleteId`, or undefined. */
async function openRequestOf(tx: Executor, athleteId: string): Promise<LinkRequestView | undefined> {
  return tx
    .select(VIEW_COLUMNS)
    .from(exorliveLinkRequests)
    .leftJoin(requester, eq(requester.id, exorliveLinkRequests.requestedBy))
    .where(and(eq(exorliveLinkRequests.athleteId, athleteId), eq(exorliveLinkRequests.status, "open")))
    .limit(1)
    .then(firstRow);
}

const alreadyOpen = (open: LinkRequestView) =>
  refuse(
    "already_open",
    `ExorLive was already requested on ${formatUtc(open.createdAt, "d MMM yyyy")}${open.requestedByName ? ` by ${open.requestedByName}` : ""} (ExorLive user ${open.exorliveUserId}); that request is still open. Cancel it first to send a different ExorLive user ID.`,
  );

/**
 * "Ask an administrator to link ExorLive" (issue 18 point 6): `actor` — athlete `athleteId` themself, or a coach
 * with them on their roster (anyone else: ForbiddenError, thrown) — asks the admins to link ExorLive user
 * `exorliveUserId` (digits only, the admin form's rule) with an optional `note` (cut to NOTE_MAX characters).
 * Refused with a sentence when the athlete is disabled, already has a working ExorLive connection (state
 * `connected`; one that needs a reconnect may be asked for again), or already has an
 * open request (at most one per athlete: the partial unique index exorlive_link_requests_open_uq, also under a
 * race). In one transaction: the request (status `open`, created at `nowMs`, milliseconds since the epoch) and its
 * audit entry `exorlive_link_requested`.
 */
export async function requestExorLiveLink({
  actor,
  athleteId,
  exorliveUserId,
  note,
  nowMs = Date.now(),
}: {
  actor: SessionUser;
  athleteId: string;
  exorliveUserId: string;
  note?: string | null;
  nowMs?: number;
}): Promise<RequestLinkResult> {
  await assertMayAskFor(actor, athleteId);
  const userId = exorliveUserIdSchema.safeParse(exorliveUserId);
  if (!userId.success) return refuse("invalid_user_id", userId.error.issues[0]?.message ?? "Enter the ExorLive user ID.");
  const cleanNote = note?.trim().slice(0, NOTE_MAX) || null;
  return db.transaction(async (tx) => {
    const athlete = await tx
      .select({ id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, athleteId))
      .limit(1)
      .then(firstRow);
    if (!athlete || athlete.role !== "athlete") throw new ForbiddenError("You may not ask for this person.");
    if (athlete.disabledAt) return refuse("athlete_disabled", `${athlete.name}'s account is disabled, so ExorLive cannot be linked for it.`);
    const live = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.userId, athleteId), eq(accounts.provider, "exorlive"), eq(accounts.state, "connected")))
      .limit(1)
      .then(firstRow);
    if (live) return refuse("already_linked", `ExorLive is already linked for ${athlete.name}.`);
    const open = await openRequestOf(tx, athleteId);
    if (open) return alreadyOpen(open);
    const [request] = await tx
      .insert(exorliveLinkRequests)
      .values({
        id: randomUUID(),
        athleteId,
        requestedBy: actor.id,
        exorliveUserId: userId.data,
        note: cleanNote,
        status: "open",
        createdAt: new Date(nowMs),
      })
      // Any uniqueness conflict is the open-request index (the id is random): another request got in first.
      .onConflictDoNothing()
      .returning();
    if (!request) {
      const winner = await openRequestOf(tx, athleteId);
      return winner ? alreadyOpen(winner) : refuse("already_open", "A request was just sent; reload the page to see it.");
    }
    await recordAdminAction(
      { actorId: actor.id, targetUserId: athleteId, kind: "exorlive_link_requested", service: "exorlive", detail: `ExorLive user ${userId.data}` },
      tx,
    );
    return { request };
  });
}

/**
 * The request `athleteId`'s ExorLive card shows: the open one, else the latest one when it was declined (its reason
 * stays visible until the athlete asks again), else null. `viewer` must be the athlete themself, a coach with them
 * on their roster, or an admin (ForbiddenError otherwise).
 */
export async function currentLinkRequest(viewer: SessionUser, athleteId: string): Promise<LinkRequestView | null> {
  const allowed =
    (viewer.role === "athlete" && viewer.id === athleteId) ||
    can(viewer, "audit.read") ||
    (viewer.role === "coach" && (await isOnRoster(viewer.id, athleteId)));
  if (!allowed) throw new ForbiddenError("You may not see this athlete.");
  const latest = await db
    .select(VIEW_COLUMNS)
    .from(exorliveLinkRequests)
    .leftJoin(requester, eq(requester.id, exorliveLinkRequests.requestedBy))
    .where(eq(exorliveLinkRequests.athleteId, athleteId))
    .orderBy(desc(exorliveLinkRequests.createdAt), desc(exorliveLinkRequests.id))
    .limit(1)
    .then(firstRow);
  return latest && (latest.status === "open" || latest.status === "declined") ? latest : null;
}

/** The admin's queue: open requests, oldest first (at most QUEUE_LIMIT), with the athlete's name and email. Admins only. */
export async function listOpenLinkRequests(viewer: SessionUser | null): Promise<QueuedLinkRequest[]> {
  assertCan(viewer, "connections.link_for_athlete");
  const athlete = alias(users, "athlete");
  return db
    .select({ ...VIEW_COLUMNS, athleteId: athlete.id, athleteName: athlete.name, athleteEmail: athlete.email })
    .from(exorliveLinkRequests)
    .innerJoin(athlete, eq(athlete.id, exorliveLinkRequests.athleteId))
    .leftJoin(requester, eq(requester.id, exorliveLinkRequests.requestedBy))
    .where(eq(exorliveLinkRequests.status, "open"))
    .orderBy(asc(exorliveLinkRequests.createdAt), asc(exorliveLinkRequests.id))
    .limit(QUEUE_LIMIT);
}

/** The open request `requestId` with its athlete, or undefined. */
async function openRequestById(requestId: string) {
  return db
    .select({
      id: exorliveLinkRequests.id,
      athleteId: exorliveLinkRequests.athleteId,
      exorliveUserId: exorliveLinkRequests.exorliveUserId,
      athleteName: users.name,
      athleteEmail: users.email,
    })
    .from(exorliveLinkRequests)
    .innerJoin(users, eq(users.id, exorliveLinkRequests.athleteId))
    .where(and(eq(exorliveLinkRequests.id, requestId), eq(exorliveLinkRequests.status, "open")))
    .limit(1)
    .then(firstRow);
}

/**
 * Tells the athlete in mail (through the outbox, in `tx`) that an administrator approved or declined their ExorLive
 * request (`reason`: the decline's). A reply to a request made for them, like a password reset: no preference
 * switches it off. Dedupe key `exorlive-request:<id>:<decision>`. Nothing is written when mail is off.
 */
async function enqueueDecisionMail(
  tx: Executor,
  request: { id: string; athleteId: string; athleteName: string; athleteEmail: string; exorliveUserId: string },
  decision: "approved" | "declined",
  reason?: string,
): Promise<void> {
  const body = renderMail({
    greeting: `Hi ${request.athleteName},`,
    paragraphs:
      decision === "approved"
        ? [
            `A TrainLink administrator linked ExorLive for you (ExorLive user ${request.exorliveUserId}), as requested. Your coach now sees it connected.`,
          ]
        : [
            `A TrainLink administrator declined the request to link ExorLive user ${request.exorliveUserId} for you.`,
            `Their reason: ${reason ?? "none given"}`,
            "Check the ExorLive user ID and ask again from your ExorLive card.",
          ],
    action: { label: "Open your connections", url: appUrl("/connections#exorlive") },
    footer: "You get this email because you, or your coach, asked a TrainLink administrator to link ExorLive for you.",
  });
  await enqueueMail(
    {
      dedupeKey: `exorlive-request:${request.id}:${decision}`,
      recipientId: request.athleteId,
      to: request.athleteEmail,
      subject: decision === "approved" ? "ExorLive is linked" : "Your ExorLive request was declined",
      ...body,
    },
    tx,
  );
}

const NOT_OPEN = "This request is no longer open (someone approved, declined or cancelled it). Reload the page to see the queue as it is now.";

/** Moves open request `requestId` to `status` decided by `actorId` at `nowMs`; false when it was not open any more. */
async function decide(
  tx: Executor,
  requestId: string,
  status: Exclude<ExorLiveLinkRequestStatus, "open">,
  actorId: string,
  nowMs: number,
  declineReason: string | null = null,
): Promise<boolean> {
  const moved = await tx
    .update(exorliveLinkRequests)
    .set({ status, decidedBy: actorId, decidedAt: new Date(nowMs), declineReason })
    .where(and(eq(exorliveLinkRequests.id, requestId), eq(exorliveLinkRequests.status, "open")))
    .returning({ id: exorliveLinkRequests.id });
  return moved.length > 0;
}

/**
 * Approves open request `requestId` as `admin`: links ExorLive user <id> for the athlete through linkServerToServer,
 * the same code path as the admin's ExorLive form (its own audit entry `exorlive_linked` and connection events),
 * then marks the request approved, audits `exorlive_link_request_approved` and mails the athlete (outbox). When the link fails, the request
 * stays open and the error says why (nothing stored). Admins only (ForbiddenError).
 */
export async function approveLinkRequest({
  admin,
  requestId,
  nowMs = Date.now(),
}: {
  admin: SessionUser;
  requestId: string;
  nowMs?: number;
}): Promise<Outcome> {
  assertCan(admin, "connections.link_for_athlete");
  const request = await openRequestById(requestId);
  if (!request) return { error: NOT_OPEN };
  const linked = await linkServerToServer({ admin, athleteId: request.athleteId, service: "exorlive", serviceUserId: request.exorliveUserId });
  if ("error" in linked) return { error: `${linked.error} The request stays open.` };
  await db.transaction(async (tx) => {
    if (!(await decide(tx, requestId, "approved", admin.id, nowMs))) return;
    await recordAdminAction(
      {
        actorId: admin.id,
        targetUserId: request.athleteId,
        kind: "exorlive_link_request_approved",
        service: "exorlive",
        detail: `ExorLive user ${request.exorliveUserId}`,
      },
      tx,
    );
    await enqueueDecisionMail(tx, request, "approved");
  });
  return { ok: `ExorLive is linked for ${request.athleteName} (ExorLive user ${request.exorliveUserId}); the request is approved.` };
}

/**
 * Declines open request `requestId` as `admin` with `reason` (required, cut to DECLINE_REASON_MAX characters),
 * which the athlete's card then shows and the athlete is mailed (outbox). Audited (`exorlive_link_request_declined`, with
 * the reason). Admins only.
 */
export async function declineLinkRequest({
  admin,
  requestId,
  reason,
  nowMs = Date.now(),
}: {
  admin: SessionUser;
  requestId: string;
  reason: string;
  nowMs?: number;
}): Promise<Outcome> {
  assertCan(admin, "connections.link_for_athlete");
  const text = reason.trim().slice(0, DECLINE_REASON_MAX);
  if (!text) return { error: "Write why the request is declined: the athlete reads it on their ExorLive card." };
  const request = await openRequestById(requestId);
  if (!request) return { error: NOT_OPEN };
  const moved = await db.transaction(async (tx) => {
    if (!(await decide(tx, requestId, "declined", admin.id, nowMs, text))) return false;
    await recordAdminAction(
      {
        actorId: admin.id,
        targetUserId: request.athleteId,
        kind: "exorlive_link_request_declined",
        service: "exorlive",
        detail: `ExorLive user ${request.exorliveUserId}: ${text}`,
      },
      tx,
    );
    await enqueueDecisionMail(tx, request, "declined", text);
    return true;
  });
  if (!moved) return { error: NOT_OPEN };
  return { ok: `The request for ${request.athleteName} is declined; they see your reason on their ExorLive card.` };
}

/**
 * Cancels open request `requestId` as `actor`: the athlete it is for, or a coach with that athlete on their roster
 * (ForbiddenError otherwise, also for an unknown id). Audited (`exorlive_link_request_cancelled`).
 */
export async function cancelLinkRequest({
  actor,
  requestId,
  nowMs = Date.now(),
}: {
  actor: SessionUser;
  requestId: string;
  nowMs?: number;
}): Promise<Outcome> {
  const row = await db
    .select({ athleteId: exorliveLinkRequests.athleteId, status: exorliveLinkRequests.status, exorliveUserId: exorliveLinkRequests.exorliveUserId })
    .from(exorliveLinkRequests)
    .where(eq(exorliveLinkRequests.id, requestId))
    .limit(1)
    .then(firstRow);
  if (!row) throw new ForbiddenError("You may not cancel this request.");
  await assertMayAskFor(actor, row.athleteId);
  const moved = await db.transaction(async (tx) => {
    if (!(await decide(tx, requestId, "cancelled", actor.id, nowMs))) return false;
    await recordAdminAction(
      {
        actorId: actor.id,
        targetUserId: row.athleteId,
        kind: "exorlive_link_request_cancelled",
        service: "exorlive",
        detail: `ExorLive user ${row.exorliveUserId}`,
      },
      tx,
    );
    return true;
  });
  if (!moved) return { error: "This request is no longer open: an administrator may have just decided it. Reload the page." };
  return { ok: "Request cancelled." };
}
