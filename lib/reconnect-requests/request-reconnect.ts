import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, connectionEvents, reconnectRequests, users, type ReconnectRequest, type ServiceId } from "@/db/schema";
import { isOnRoster } from "@/lib/athlete-access";
import type { SessionUser } from "@/lib/auth/users";
import { can, ForbiddenError } from "@/lib/authz";
import { eventRow } from "@/lib/connections/events";
import { STATUS_LABELS } from "@/lib/connections/status";
import { getIntegration } from "@/lib/integrations/registry";
import { formatUtc } from "@/lib/time";
import { CONNECTION_COLUMNS, factsOf, needsAthlete, needsAthleteInWords, statusOf } from "./connection";
import { enqueueRequestMail, type RequestMailOutcome } from "./mail";

/** Why a request was not created (the `error` beside it is the sentence to show). */
export type RequestRefusal = "already_open" | "no_connection" | "not_needed" | "linked_by_admin" | "athlete_disabled";

/** A created request and what became of its mail, or a refusal with a sentence for the person who asked. */
export type RequestReconnectResult = { request: ReconnectRequest; mail: RequestMailOutcome } | { error: string; reason: RequestRefusal };

const refuse = (reason: RequestRefusal, error: string) => ({ error, reason });

/** The open request of `athleteId` at `service`, with who asked, or undefined. */
async function openRequest(tx: Executor, athleteId: string, service: ServiceId) {
  return tx
    .select({ createdAt: reconnectRequests.createdAt, byName: users.name })
    .from(reconnectRequests)
    .leftJoin(users, eq(users.id, reconnectRequests.requestedBy))
    .where(and(eq(reconnectRequests.athleteId, athleteId), eq(reconnectRequests.service, service), isNull(reconnectRequests.closedAt)))
    .limit(1)
    .then(firstRow);
}

const alreadyOpen = (open: { createdAt: Date; byName: string | null }) =>
  refuse(
    "already_open",
    `Already requested on ${formatUtc(open.createdAt, "d MMM yyyy")}${open.byName ? ` by ${open.byName}` : ""}; that request is still open.`,
  );

/**
 * "Please reconnect <service>" (issue 15, "Reconnect requests, tracked to closure"): `actor` asks athlete
 * `athleteId` to reconnect `service`. Allowed to a coach for an athlete on their own roster and to an admin;
 * anyone else, or an id that is not an athlete, gets ForbiddenError (thrown). Refused, with a sentence, when the
 * connection does not need the athlete (only a status in NEEDS_ATTENTION does; no connection at all is not a
 * case: there is nothing to reconnect), when the service is linked by an administrator (ExorLive), when the
 * athlete is disabled, or when a request is already open for that athlete and service ("Already requested on
 * <date>": at most one, by the partial unique index reconnect_requests_open_uq, also under a race).
 *
 * In one transaction: the request (status `sent`, created at `nowMs`, milliseconds since the epoch), its
 * `reconnect_requested` event ("asked by <name>") and, when the athlete wants reconnect-request mail, the mail
 * in the outbox (dedupe key `reconnect:<request id>:sent`).
 */
export async function requestReconnect({
  athleteId,
  service,
  actor,
  nowMs = Date.now(),
}: {
  athleteId: string;
  service: ServiceId;
  actor: SessionUser;
  nowMs?: number;
}): Promise<RequestReconnectResult> {
  if (!can(actor, "reconnect_requests.create")) throw new ForbiddenError("Only a coach or an administrator can ask an athlete to reconnect.");
  if (actor.role !== "admin" && !(await isOnRoster(actor.id, athleteId))) throw new ForbiddenError("You may only ask athletes on your roster.");
  const integration = getIntegration(service);
  return db.transaction(async (tx) => {
    const athlete = await tx
      .select({ id: users.id, name: users.name, email: users.email, role: users.role, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, athleteId))
      .limit(1)
      .then(firstRow);
    if (!athlete || athlete.role !== "athlete") throw new ForbiddenError("You may not ask this athlete.");
    if (athlete.disabledAt) return refuse("athlete_disabled", `${athlete.name}'s account is disabled: they cannot sign in to reconnect.`);
    if (integration.flow === "server_to_server") {
      return refuse(
        "linked_by_admin",
        `${integration.name} is linked by an administrator from the athlete's ${integration.name} user ID, not by the athlete: link it again on the Services page.`,
      );
    }
    const open = await openRequest(tx, athleteId, service);
    if (open) return alreadyOpen(open);
    const row = await tx
      .select(CONNECTION_COLUMNS)
      .from(accounts)
      .where(and(eq(accounts.userId, athleteId), eq(accounts.provider, service)))
      .limit(1)
      .then(firstRow);
    const facts = row ? factsOf(row) : null;
    if (!facts || facts.state === "disconnected") {
      return refuse(
        "no_connection",
        `${athlete.name} has no ${integration.name} connection, so there is nothing to reconnect. They can connect ${integration.name} on their Connections page.`,
      );
    }
    const status = statusOf(facts, service, nowMs);
    if (!needsAthlete(status)) {
      return refuse(
        "not_needed",
        `${integration.name} is "${STATUS_LABELS[status]}" for ${athlete.name}: a reconnect request is only for a connection that needs the athlete (${needsAthleteInWords()}).`,
      );
    }
    const createdAt = new Date(nowMs);
    const [request] = await tx
      .insert(reconnectRequests)
      .values({ id: randomUUID(), athleteId, service, requestedBy: actor.id, status: "sent", createdAt })
      // Any uniqueness conflict is the open-request index (the id is random): another request got in first.
      .onConflictDoNothing()
      .returning();
    if (!request) {
      const winner = await openRequest(tx, athleteId, service);
      return winner ? alreadyOpen(winner) : refuse("already_open", "A request was just sent; reload the page to see it.");
    }
    await tx
      .insert(connectionEvents)
      .values(eventRow({ actorId: actor.id, athleteId, service, kind: "reconnect_requested", detail: `asked by ${actor.name}` }, createdAt));
    const mail = await enqueueRequestMail(
      { kind: "sent", requestId: request.id, athlete, service, requester: { name: actor.name, role: actor.role }, askedAt: createdAt, status },
      tx,
    );
    return { request, mail };
  });
}
