import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, webhookEndpoints, webhookOutbox, type ServiceId } from "@/db/schema";
import { connectionStatus, type ConnectionStatus } from "@/lib/connections/status";
import { parseEventList, type WebhookEventType } from "@/lib/webhooks/event-types";

/**
 * Writing webhook deliveries (DESIGN.md "Outbox and worker"): one webhook_outbox row per subscribed, enabled
 * endpoint, in the transaction of the event that caused it, so a delivery exists exactly when its event does. The
 * worker (lib/webhooks/worker.ts) sends them.
 */

/** A Standard Webhooks message id: `msg_` and 32 hex digits, shared by every endpoint's delivery of one event. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString("hex")}`;
}

/** The payload of a connection webhook (Standard Webhooks: `type`, `timestamp`, `data`). */
export interface ConnectionWebhookPayload {
  type: WebhookEventType;
  /** When the event happened, ISO 8601 UTC. */
  timestamp: string;
  data: {
    connection_id: string | null;
    athlete_id: string;
    service: ServiceId;
    /** The derived ConnectionStatus after the event (lib/connections/status.ts): `not_connected` once ended. */
    status: ConnectionStatus;
    /** A short sentence for people from the event's detail (never a token), or null. */
    reason: string | null;
  };
}

/** One connection event to announce. `detail` is the event's own detail (event details never hold tokens). */
export interface ConnectionWebhookInput {
  type: WebhookEventType;
  athleteId: string;
  service: ServiceId;
  detail: string | null;
  at: Date;
}

/**
 * The ids of the enabled endpoints subscribed to `type` (or to any of several types): one SELECT of the (small) endpoints table. On PostgreSQL
 * inside a transaction (`lock`), the rows are taken FOR KEY SHARE, so an endpoint deleted meanwhile waits for the
 * event's transaction (and its cascade then removes the new rows) instead of failing it on the foreign key.
 */
export async function subscribedEndpointIds(type: string | readonly string[], tx: Executor = db, lock = false): Promise<string[]> {
  const types: readonly string[] = typeof type === "string" ? [type] : type;
  const query = tx
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(isNull(webhookEndpoints.disabledAt));
  const rows = lock && db.engine === "postgres" ? await query.for("key share") : await query;
  return rows.filter((row) => (parseEventList(row.events) as string[]).some((t) => types.includes(t))).map((row) => row.id);
}

/**
 * Inside the event's transaction `tx`: writes one delivery of `event` per enabled endpoint subscribed to its type
 * (none: nothing more is read). Reads the connection (by athlete and service) for its id and its status after the
 * event. Resolves to the number of rows written; wakes this process's webhook worker when there are some.
 */
export async function enqueueConnectionWebhook(tx: Executor, event: ConnectionWebhookInput): Promise<number> {
  const endpointIds = await subscribedEndpointIds(event.type, tx, true);
  if (endpointIds.length === 0) return 0;
  const connection = await tx
    .select({
      id: accounts.id,
      provider: accounts.provider,
      state: accounts.state,
      accessToken: accounts.accessToken,
      expiresAt: accounts.expiresAt,
      failureCount: accounts.failureCount,
      scope: accounts.scope,
    })
    .from(accounts)
    .where(and(eq(accounts.userId, event.athleteId), eq(accounts.provider, event.service)))
    .limit(1)
    .then(firstRow);
  const payload: ConnectionWebhookPayload = {
    type: event.type,
    timestamp: event.at.toISOString(),
    data: {
      connection_id: connection?.id ?? null,
      athlete_id: event.athleteId,
      service: event.service,
      status: connectionStatus(connection, true, event.at.getTime()),
      reason: event.detail ? event.detail.slice(0, 300) : null,
    },
  };
  return insertDeliveries(tx, endpointIds, event.type, JSON.stringify(payload), event.at);
}

/** Writes one outbox row per endpoint for one message (one shared `webhook-id`), due at once; wakes the worker. */
export async function insertDeliveries(tx: Executor, endpointIds: string[], type: string, payload: string, at = new Date()): Promise<number> {
  if (endpointIds.length === 0) return 0;
  const messageId = newMessageId();
  const now = new Date();
  await tx
    .insert(webhookOutbox)
    .values(
      endpointIds.map((endpointId) => ({ id: randomUUID(), endpointId, messageId, eventType: type, payload, createdAt: at, nextAttemptAt: now })),
    );
  wakeWebhookWorker();
  return endpointIds.length;
}

const globalForWebhooks = globalThis as unknown as { webhookWake?: () => void };

/** Asks this process's webhook worker (if running) to deliver soon rather than at its next tick. */
export function wakeWebhookWorker(): void {
  globalForWebhooks.webhookWake?.();
}

/** Registers the function wakeWebhookWorker calls (lib/webhooks/worker.ts). */
export function onWebhookWake(wake: (() => void) | undefined): void {
  globalForWebhooks.webhookWake = wake;
}
