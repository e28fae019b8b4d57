import "server-only";
import { db, type Executor } from "@/db";
import { connectionEvents, type EventKind, type ServiceId } from "@/db/schema";

/** One audit-trail entry. `detail` is a short text for people; it must never contain a token or secret. */
export interface EventInput {
  actorId: string | null;
  athleteId: string;
  service: ServiceId;
  kind: EventKind;
  detail?: string | null;
}

/** The connection_events row of `event`, recorded at `at`: the detail cut to 500 characters. */
export function eventRow(event: EventInput, at = new Date()) {
  return {
    actorId: event.actorId,
    athleteId: event.athleteId,
    service: event.service,
    kind: event.kind,
    detail: event.detail?.slice(0, 500) ?? null,
    at,
  };
}

/** Appends an entry to connection_events. Usable inside a transaction by passing its handle as `tx`. */
export async function recordEvent(event: EventInput, tx: Pick<Executor, "insert"> = db): Promise<void> {
  await tx.insert(connectionEvents).values(eventRow(event));
}
