import "server-only";
import { and, eq, isNull, lte } from "drizzle-orm";
import { db } from "@/db";
import { users, webhookEndpoints, webhookOutbox } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { env } from "@/lib/env";
import { enqueueMail } from "@/lib/mail/outbox";
import { appUrl, renderMail } from "@/lib/mail/render";

/**
 * Disables every enabled endpoint whose deliveries have all failed for WEBHOOK_DISABLE_AFTER_DAYS (failingSince,
 * cleared by any success, at or before `nowMs` minus that many days). For each, in one transaction: the endpoint
 * disabled (a conditional UPDATE, so two instances never both act), its waiting deliveries failed, an admin action
 * `webhook_endpoint_disabled` (no actor: TrainLink did it) and a mail to every enabled admin (dedupe key per
 * endpoint and disable time). Resolves to the ids disabled. `nowMs` is milliseconds since the epoch.
 */
export async function disableFailingEndpoints(nowMs = Date.now()): Promise<string[]> {
  const days = env.WEBHOOK_DISABLE_AFTER_DAYS;
  const cutoff = new Date(nowMs - days * 86_400_000);
  const failing = await db
    .select({ id: webhookEndpoints.id, url: webhookEndpoints.url, failingSince: webhookEndpoints.failingSince })
    .from(webhookEndpoints)
    .where(and(isNull(webhookEndpoints.disabledAt), lte(webhookEndpoints.failingSince, cutoff)));
  const disabled: string[] = [];
  for (const endpoint of failing) {
    const at = new Date(nowMs);
    const since = endpoint.failingSince!.toISOString().slice(0, 16).replace("T", " ");
    const reason = `every delivery failed for ${days} days (since ${since} UTC)`;
    const done = await db.transaction(async (tx) => {
      const updated = await tx
        .update(webhookEndpoints)
        .set({ disabledAt: at, disabledReason: reason, updatedAt: at })
        .where(and(eq(webhookEndpoints.id, endpoint.id), isNull(webhookEndpoints.disabledAt), lte(webhookEndpoints.failingSince, cutoff)))
        .returning({ id: webhookEndpoints.id });
      if (updated.length === 0) return false;
      await tx
        .update(webhookOutbox)
        .set({ failedAt: at, lastError: "the endpoint was disabled", leaseOwner: null, leaseUntil: null })
        .where(and(eq(webhookOutbox.endpointId, endpoint.id), isNull(webhookOutbox.deliveredAt), isNull(webhookOutbox.failedAt)));
      await recordAdminAction({ actorId: null, kind: "webhook_endpoint_disabled", detail: `${endpoint.url}: ${reason}` }, tx);
      const admins = await tx
        .select({ id: users.id, email: users.email, name: users.name })
        .from(users)
        .where(and(eq(users.role, "admin"), isNull(users.disabledAt)));
      for (const admin of admins) {
        await enqueueMail(
          {
            dedupeKey: `webhook-disabled:${endpoint.id}:${at.getTime()}:${admin.id}`,
            recipientId: admin.id,
            to: admin.email,
            subject: "A webhook endpoint was disabled",
            ...renderMail({
              greeting: `Hi ${admin.name},`,
              paragraphs: [
                `TrainLink disabled the webhook endpoint ${endpoint.url}: ${reason}.`,
                "Its waiting deliveries were given up. Fix the receiver, then re-enable the endpoint on the Webhooks page; use Redeliver for the events it missed.",
              ],
              action: { label: "Open the endpoint", url: appUrl(`/admin/webhooks/${endpoint.id}`) },
              footer: "You get this email because you are an administrator of this TrainLink server.",
            }),
          },
          tx,
        );
      }
      return true;
    });
    if (done) disabled.push(endpoint.id);
  }
  return disabled;
}
