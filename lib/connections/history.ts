import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { db } from "@/db";
import { connectionEvents, users, type EventKind, type ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCanViewAthlete } from "@/lib/athlete-access";
import { getIntegration } from "@/lib/integrations/registry";

export const EVENT_LABELS: Record<EventKind, string> = {
  linked: "Linked",
  relinked: "Linked again",
  link_failed: "Linking failed",
  refreshed: "Access token refreshed",
  refresh_failed: "Refresh failed",
  needs_reauth: "Needs reconnect",
  disconnected: "Disconnected",
  revocation_pending: "Revocation pending",
  revocation_failed: "Revocation failed",
  revocation_refused: "Revocation refused by the service",
  deregistered_by_service: "Access cancelled at the service",
  plan_changed: "Plan changed",
  tokens_discarded: "Issued tokens discarded",
  verification_failed: "Verification failed",
  alert_sent: "Athlete alerted",
  recovered: "Working again",
  reconnect_requested: "Reconnect requested",
  reconnect_request_opened: "Reconnect request opened",
  reconnect_request_reminded: "Reconnect reminder sent",
  reconnect_request_reconnected: "Reconnected after request",
  reconnect_request_verified: "Reconnect request closed: working",
  reconnect_request_cancelled: "Reconnect request cancelled",
  access_token_issued: "Access token issued to an integration",
};

export interface HistoryEntry {
  id: number;
  at: Date;
  kind: EventKind;
  label: string;
  /** Who did it: a person's name, "TrainLink" (automatic), or the service (webhooks). */
  who: string;
  /** The event's protocol detail (HTTP statuses, error codes): for admins only, null for athletes and coaches. */
  detail: string | null;
}

/**
 * The timeline of one connection (`athleteId` at `service`), newest first, at most `limit` (default 200)
 * entries. Never a token: events hold none. Readable by the athlete, their coaches and admins
 * (assertCanViewAthlete); anyone else gets ForbiddenError. "You" is the viewer. Only an admin viewer gets each event's
 * detail: athletes and coaches read the labels, in plain words (the detail is protocol talk).
 */
export async function listConnectionHistory(viewer: SessionUser, athleteId: string, service: ServiceId, limit = 200): Promise<HistoryEntry[]> {
  await assertCanViewAthlete(viewer, athleteId);
  const actor = alias(users, "actor");
  const rows = await db
    .select({
      id: connectionEvents.id,
      at: connectionEvents.at,
      kind: connectionEvents.kind,
      detail: connectionEvents.detail,
      actorName: actor.name,
      actorId: connectionEvents.actorId,
    })
    .from(connectionEvents)
    .leftJoin(actor, eq(actor.id, connectionEvents.actorId))
    .where(and(eq(connectionEvents.athleteId, athleteId), eq(connectionEvents.service, service)))
    .orderBy(desc(connectionEvents.at), desc(connectionEvents.id))
    .limit(limit);
  const serviceName = getIntegration(service).name;
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    kind: row.kind,
    label: EVENT_LABELS[row.kind],
    who:
      row.actorId === viewer.id
        ? "You"
        : (row.actorName ?? (row.kind === "deregistered_by_service" || row.kind === "plan_changed" ? serviceName : "TrainLink (automatic)")),
    detail: viewer.role === "admin" ? row.detail : null,
  }));
}
