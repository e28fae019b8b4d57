import "server-only";
import { db, type Executor } from "@/db";
import { connectionEvents, type EventKind, type ServiceId } from "@/db/schema";
import { enqueueConnectionWebhook, subscribedEndpointIds } from "@/lib/webhooks/enqueue";
import { webhookTypeOf } from "@/lib/webhooks/event-types";
import { countLink } from "@/lib/metrics/registry";

/** One audit-trail entry. `detail` is a short text for people; it must never contain a token or secret. */
export interface EventInput {
  actorId: string | null;
  athleteId: string;
  service: ServiceId;
  kind: EventKind;
  detail?: string | null;
  /** How long the service took to answer the refresh this event records, in milliseconds (refresh events only). */
  latencyMs?: number | null;
}

/** The connection_events row of `event`, recorded at `at`: the detail cut to 500 characters. */
export function eventRow(event: EventInput, at = new Date()) {
  return {
    actorId: event.actorId,
    athleteId: event.athleteId,
    service: event.service,
    kind: event.kind,
    detail: event.detail?.slice(0, 500) ?? null,
    latencyMs: event.latencyMs == null ? null : Math.round(event.latencyMs),
    at,
  };
}

/**
 * Appends an entry to connection_events. Usable inside a transaction by passing its handle as `tx`.
 *
 * An event of a kind some webhook carries (webhookTypeOf) also writes its webhook deliveries (lib/webhooks/enqueue.ts)
 * in the same transaction: the caller's `tx`, or, called on `db` when some endpoint is subscribed, a transaction
 * of its own. Other kinds cost nothing extra; a mapped kind costs one small SELECT of the subscribed endpoints.
 * A `link_failed` event recorded on `db` (every link failure is) counts in trainlink_link_total{outcome="failure"}.
 */
export async function recordEvent(event: EventInput, tx: Executor = db): Promise<void> {
  await writeEvent(event, tx);
  // Metrics count what is committed: on `db` it is once the write resolves; in a caller's transaction not yet.
  if (event.kind === "link_failed" && tx === db) countLink(event.service, "failure");
}

async function writeEvent(event: EventInput, tx: Executor): Promise<void> {
  const type = webhookTypeOf(event.kind);
  if (!type) {
    await tx.insert(connectionEvents).values(eventRow(event));
    return;
  }
  if (tx === db) {
    if ((await subscribedEndpointIds(type)).length === 0) {
      await db.insert(connectionEvents).values(eventRow(event));
      return;
    }
    return db.transaction((t) => writeEvent(event, t));
  }
  const at = new Date();
  await tx.insert(connectionEvents).values(eventRow(event, at));
  await enqueueConnectionWebhook(tx, { type, athleteId: event.athleteId, service: event.service, detail: event.detail ?? null, at });
}

/**
 * True when events of `kinds` need webhook deliveries written with them (a webhook carries one of them and an
 * enabled endpoint subscribes to it): one SELECT when some kind is mapped, none otherwise.
 */
export async function wantsWebhooks(kinds: readonly EventKind[]): Promise<boolean> {
  const types = [...new Set(kinds.map(webhookTypeOf).filter((t) => t !== null))];
  return types.length > 0 && (await subscribedEndpointIds(types)).length > 0;
}
