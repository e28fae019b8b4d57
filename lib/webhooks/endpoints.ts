import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, isNotNull } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { webhookEndpoints, webhookOutbox } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import type { Outcome, Result } from "@/lib/result";
import { checkEndpointUrl } from "@/lib/webhooks/address";
import { parseEventList, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@/lib/webhooks/event-types";
import { newWebhookSecret, sealWebhookSecret } from "@/lib/webhooks/secret";

/**
 * Integrators' webhook endpoints (issue 16): created with a signing secret shown once, listed, deleted, re-enabled.
 * These functions check no permission: their callers do (server actions with authedAction("webhooks.manage"), API
 * routes with the key's `webhooks:manage` scope). Each change records an admin action naming its actor.
 */

/** Who asked: an admin (id, name) or an API key (null, `API key "x" (tlk_ab12cd34)`). */
export type WebhookActor = { userId: string | null; label: string };

/** An endpoint as pages and the API show it: never its secret. */
export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  createdAt: Date;
  failingSince: Date | null;
  disabledAt: Date | null;
  disabledReason: string | null;
}

/** The longest URL and description accepted, in characters. */
export const MAX_URL_LENGTH = 2_000;
export const MAX_DESCRIPTION_LENGTH = 200;

const VIEW_COLUMNS = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  createdAt: webhookEndpoints.createdAt,
  failingSince: webhookEndpoints.failingSince,
  disabledAt: webhookEndpoints.disabledAt,
  disabledReason: webhookEndpoints.disabledReason,
};

const toView = (row: Omit<WebhookEndpointView, "events"> & { events: string }): WebhookEndpointView => ({
  ...row,
  events: parseEventList(row.events),
});

/**
 * Registers an endpoint: checks the URL (checkEndpointUrl: https only, no credentials, no private or loopback
 * address unless WEBHOOK_ALLOW_PRIVATE_NETWORKS), the description (at most 200 characters) and the events (at
 * least one of WEBHOOK_EVENT_TYPES); makes a `whsec_` secret, stores it sealed, and records
 * `webhook_endpoint_created`. Resolves to the endpoint and its secret in clear (show it once; it cannot be read
 * again), or a Failure sentence when the input is refused (nothing is written then).
 */
export async function createWebhookEndpoint(
  actor: WebhookActor,
  input: { url: string; description?: string | null; events: WebhookEventType[] },
): Promise<Result<{ endpoint: WebhookEndpointView; secret: string }>> {
  const url = input.url.trim();
  if (url.length === 0) return { error: "Enter the endpoint's URL." };
  if (url.length > MAX_URL_LENGTH) return { error: `The URL is too long (at most ${MAX_URL_LENGTH} characters).` };
  const refused = await checkEndpointUrl(url);
  if (refused) return { error: refused };
  const description = input.description?.trim() || null;
  if (description && description.length > MAX_DESCRIPTION_LENGTH)
    return { error: `The description is too long (at most ${MAX_DESCRIPTION_LENGTH} characters).` };
  const events = WEBHOOK_EVENT_TYPES.filter((type) => input.events.includes(type));
  if (events.length === 0) return { error: "Choose at least one event to receive." };
  if (input.events.some((type) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)))
    return { error: "One of the chosen events does not exist." };
  const id = randomUUID();
  const secret = newWebhookSecret();
  const now = new Date();
  const normalized = new URL(url).toString();
  await db.transaction(async (tx) => {
    await tx.insert(webhookEndpoints).values({
      id,
      url: normalized,
      description,
      events: events.join(" "),
      ...sealWebhookSecret(secret, id),
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    });
    await recordAdminAction(
      { actorId: actor.userId, kind: "webhook_endpoint_created", detail: `${normalized} (${events.join(", ")}) by ${actor.label}` },
      tx,
    );
  });
  return {
    endpoint: { id, url: normalized, description, events, createdAt: now, failingSince: null, disabledAt: null, disabledReason: null },
    secret,
  };
}

/** Every endpoint, oldest first (there are a handful: no pagination). */
export async function listWebhookEndpoints(): Promise<WebhookEndpointView[]> {
  const rows = await db.select(VIEW_COLUMNS).from(webhookEndpoints).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  return rows.map(toView);
}

/** One endpoint, or null when there is none with `id`. */
export async function getWebhookEndpoint(id: string): Promise<WebhookEndpointView | null> {
  const row = await db.select(VIEW_COLUMNS).from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).limit(1).then(firstRow);
  return row ? toView(row) : null;
}

/** Deletes endpoint `id` and (by cascade) its deliveries, recording `webhook_endpoint_deleted`. A Failure when there is none. */
export async function deleteWebhookEndpoint(actor: WebhookActor, id: string): Promise<Outcome> {
  return db.transaction(async (tx) => {
    const gone = await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning({ url: webhookEndpoints.url });
    if (gone.length === 0) return { error: "That webhook endpoint no longer exists. Reload the page." };
    await recordAdminAction({ actorId: actor.userId, kind: "webhook_endpoint_deleted", detail: `${gone[0]!.url} by ${actor.label}` }, tx);
    return { ok: `Deleted the endpoint ${gone[0]!.url}. It receives no more webhooks.` };
  });
}

/**
 * Re-enables a disabled endpoint (clears disabledAt, its reason and failingSince), recording
 * `webhook_endpoint_updated`. Deliveries given up while it was disabled stay failed (Redeliver sends one again).
 */
export async function enableWebhookEndpoint(actor: WebhookActor, id: string): Promise<Outcome> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const updated = await tx
      .update(webhookEndpoints)
      .set({ disabledAt: null, disabledReason: null, failingSince: null, updatedAt: now })
      .where(and(eq(webhookEndpoints.id, id), isNotNull(webhookEndpoints.disabledAt)))
      .returning({ url: webhookEndpoints.url });
    if (updated.length === 0) return { error: "That endpoint is not disabled (or no longer exists). Reload the page." };
    await recordAdminAction(
      { actorId: actor.userId, kind: "webhook_endpoint_updated", detail: `${updated[0]!.url} re-enabled by ${actor.label}` },
      tx,
    );
    return { ok: `Re-enabled ${updated[0]!.url}. New events are delivered to it again.` };
  });
}

/** The last delivery attempt of each endpoint in `ids`: when, and whether it was delivered (null: never attempted). */
export async function lastAttempts(ids: string[]): Promise<Map<string, { at: Date; delivered: boolean } | null>> {
  const result = new Map<string, { at: Date; delivered: boolean } | null>();
  for (const id of ids) {
    const row = await db
      .select({ at: webhookOutbox.lastAttemptAt, deliveredAt: webhookOutbox.deliveredAt })
      .from(webhookOutbox)
      .where(and(eq(webhookOutbox.endpointId, id), isNotNull(webhookOutbox.lastAttemptAt)))
      .orderBy(desc(webhookOutbox.createdAt))
      .limit(1)
      .then(firstRow);
    result.set(id, row?.at ? { at: row.at, delivered: row.deliveredAt !== null } : null);
  }
  return result;
}
