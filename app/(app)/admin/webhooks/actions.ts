"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import type { SessionUser } from "@/lib/auth/users";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  enableWebhookEndpoint,
  redeliver,
  sendTestEvent,
  WEBHOOK_EVENT_TYPES,
  type WebhookActor,
} from "@/lib/webhooks";

const actor = (admin: SessionUser): WebhookActor => ({ userId: admin.id, label: admin.name });
const endpointId = z.string({ error: "Choose an endpoint." }).min(1, "Choose an endpoint.").max(100);

/** One checkbox per event type, named `event:<type>` (checked: "on"), so the form works without JavaScript. */
const eventBoxes = Object.fromEntries(WEBHOOK_EVENT_TYPES.map((type) => [`event:${type}`, z.literal("on").optional()]));

/**
 * Registers a webhook endpoint (admins only). On success the answer carries the signing secret, once: the dialog
 * shows it and it is never readable again.
 */
export const createEndpointAction = authedAction(
  "webhooks.manage",
  z.object({
    url: z
      .string({ error: "Enter the endpoint's URL." })
      .trim()
      .min(1, "Enter the endpoint's URL.")
      .max(2_000, "The URL is too long (at most 2,000 characters)."),
    description: z.string().trim().max(200, "The description is too long (at most 200 characters).").optional(),
    ...eventBoxes,
  }),
  async (input, admin): Promise<{ ok: string; secret: string; endpointId: string } | { error: string }> => {
    const fields = input as Record<string, string | undefined>;
    const events = WEBHOOK_EVENT_TYPES.filter((type) => fields[`event:${type}`] === "on");
    const result = await createWebhookEndpoint(actor(admin), { url: input.url, description: input.description ?? null, events });
    if ("error" in result) return result;
    revalidatePath("/admin/webhooks");
    return { ok: `Added ${result.endpoint.url}.`, secret: result.secret, endpointId: result.endpoint.id };
  },
);

/** Deletes an endpoint and its delivery log (admins only). */
export const deleteEndpointAction = authedAction("webhooks.manage", z.object({ endpointId }), async (input, admin) => {
  const result = await deleteWebhookEndpoint(actor(admin), input.endpointId);
  revalidatePath("/admin/webhooks", "layout");
  return result;
});

/** Re-enables a disabled endpoint (admins only). */
export const enableEndpointAction = authedAction("webhooks.manage", z.object({ endpointId }), async (input, admin) => {
  const result = await enableWebhookEndpoint(actor(admin), input.endpointId);
  revalidatePath("/admin/webhooks", "layout");
  return result;
});

/** Queues a `webhook.test` event to an endpoint (admins only). */
export const sendTestEventAction = authedAction("webhooks.manage", z.object({ endpointId }), async (input, admin) => {
  const result = await sendTestEvent(actor(admin), input.endpointId);
  revalidatePath(`/admin/webhooks/${input.endpointId}`);
  return result;
});

/** Sends one finished delivery again, same webhook-id (admins only). */
export const redeliverAction = authedAction(
  "webhooks.manage",
  z.object({ endpointId, deliveryId: z.string({ error: "Choose a delivery." }).min(1, "Choose a delivery.").max(100) }),
  async (input, admin) => {
    const result = await redeliver(actor(admin), input.deliveryId);
    revalidatePath(`/admin/webhooks/${input.endpointId}`);
    return result;
  },
);
