import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { accounts, webhookDeliveries } from "@/db/schema";
import { env } from "@/lib/env";
import { isLiveState } from "@/lib/connections/state-machine";
import { planChanged, revokedByService } from "@/lib/connections/transitions";

export const ENDUCO_WEBHOOK_EVENTS = ["deregister", "plan-changed"] as const;
export type EnducoWebhookEvent = (typeof ENDUCO_WEBHOOK_EVENTS)[number];

/** Largest webhook body read, in bytes (64 KiB); a longer one is answered 413 and not stored. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

const userIdField = z.union([z.string().trim().min(1).max(200), z.number().int().nonnegative()]).transform(String);
const bodySchema = z
  .object({ userId: userIdField.optional(), user_id: userIdField.optional(), sub: userIdField.optional() })
  .transform((b) => b.userId ?? b.user_id ?? b.sub);

function sameSecret(given: string, expected: string): boolean {
  // Compare digests so the comparison takes the same time whatever the lengths.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

async function record(kind: string, status: number, serviceUserId: string | null, detail: string): Promise<void> {
  await db.insert(webhookDeliveries).values({ service: "enduco", kind, status, serviceUserId, detail, at: new Date() });
}

/**
 * The webhook event named by the URL when `secret` is ENDUCO_WEBHOOK_SECRET (compared in constant time), else
 * null: then the caller answers 404 before reading the body or writing anything (docs/SECURITY.md row 21), so an
 * anonymous request cannot fill the disk.
 */
export function authenticateEnducoWebhook(event: string, secret: string): EnducoWebhookEvent | null {
  const kind = (ENDUCO_WEBHOOK_EVENTS as readonly string[]).includes(event) ? (event as EnducoWebhookEvent) : null;
  if (!kind || !env.ENDUCO_WEBHOOK_SECRET || !sameSecret(secret, env.ENDUCO_WEBHOOK_SECRET)) return null;
  return kind;
}

/**
 * Handles an authenticated enduco webhook (enduco.txt §3: "Deregister Webhook URL", "Plan Changed Webhook URL";
 * `kind` from authenticateEnducoWebhook). The doc defines no signature and no body, so the JSON body must carry
 * the enduco user id as `userId`, `user_id` or `sub`; `rawBody` is null when it exceeded
 * MAX_WEBHOOK_BODY_BYTES. Answers 413 for a body over 64 KiB, 400 for one that is not JSON or has no user id,
 * 202 for a user id no connection has, 200 after acting: `deregister` wipes the tokens and marks the connection
 * `revoked_by_service`; `plan-changed` records the time and a `plan_changed` event. Every authenticated call is
 * recorded in webhook_deliveries (never the secret), kept WEBHOOK_DELIVERIES_RETENTION_DAYS.
 */
export async function handleEnducoWebhook(
  kind: EnducoWebhookEvent,
  rawBody: string | null,
): Promise<{ status: number; body: Record<string, unknown> }> {
  if (rawBody === null || Buffer.byteLength(rawBody) > MAX_WEBHOOK_BODY_BYTES) {
    await record(kind, 413, null, "body too large");
    return { status: 413, body: { error: "body_too_large" } };
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    await record(kind, 400, null, "body is not JSON");
    return { status: 400, body: { error: "invalid_json" } };
  }
  const parsed = bodySchema.safeParse(json);
  const serviceUserId = parsed.success ? parsed.data : undefined;
  if (!serviceUserId) {
    await record(kind, 400, null, "no userId, user_id or sub in the body");
    return { status: 400, body: { error: "missing_user_id" } };
  }
  // Several rows may name this enduco user (athletes who unlinked it earlier); the live one, else a revoked one.
  const candidates = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.provider, "enduco"), eq(accounts.providerAccountId, serviceUserId)));
  const row = candidates.find((r) => isLiveState(r.state)) ?? candidates.find((r) => r.state === "revoked_by_service");
  if (!row || row.state === "disconnected" || (kind === "deregister" && row.state === "revoked_by_service")) {
    await record(kind, 202, serviceUserId, "no live connection for this enduco user");
    return { status: 202, body: { accepted: true, matched: false } };
  }
  await db.transaction(async (tx) => {
    if (kind === "deregister") await revokedByService(row, "enduco reported that the user cancelled access; tokens wiped", tx);
    else await planChanged(row, "enduco reported a changed training plan", tx);
    await tx.insert(webhookDeliveries).values({ service: "enduco", kind, status: 200, serviceUserId, detail: "applied", at: new Date() });
  });
  return { status: 200, body: { accepted: true, matched: true } };
}

/** The two URLs to enter in enduco's provider management interface, or null without a secret. */
export function enducoWebhookUrls(): { deregister: string; planChanged: string } | null {
  if (!env.ENDUCO_WEBHOOK_SECRET) return null;
  const base = `${env.NEXTAUTH_URL.replace(/\/+$/, "")}/api/webhooks/enduco`;
  return { deregister: `${base}/deregister/${env.ENDUCO_WEBHOOK_SECRET}`, planChanged: `${base}/plan-changed/${env.ENDUCO_WEBHOOK_SECRET}` };
}
