import "server-only";
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { emailPreferences, EMAIL_KINDS, type EmailKind, type Role } from "@/db/schema";
import { env } from "@/lib/env";
import { appUrl } from "@/lib/mail/render";

/** What each kind of mail is, who gets it, and whether it is on before the person chooses. */
export const EMAIL_KIND_INFO: Record<EmailKind, { label: string; description: string; roles: readonly Role[]; defaultOn: boolean }> = {
  connection_alerts: {
    label: "A connection needs me",
    description: "One email when a service stops working for you (reconnect needed, access revoked, permissions missing, refreshes failing).",
    roles: ["athlete"],
    defaultOn: true,
  },
  connection_recovered: {
    label: "A connection works again",
    description: "A short note when a connection that needed you works again.",
    roles: ["athlete"],
    defaultOn: false,
  },
  reconnect_requests: {
    label: "Reconnect requests from my coach",
    description: "When your coach or an administrator asks you to reconnect a service, and one reminder after 3 days.",
    roles: ["athlete"],
    defaultOn: true,
  },
  coach_digest: {
    label: "Daily digest of athletes who need attention",
    description: "At most one email a day listing your athletes whose connections need attention, only when the list changed.",
    roles: ["coach"],
    defaultOn: true,
  },
};

/** The kinds of mail a person with `role` can receive, in display order. */
export function emailKindsFor(role: Role): EmailKind[] {
  return EMAIL_KINDS.filter((kind) => EMAIL_KIND_INFO[kind].roles.includes(role));
}

/** Every kind's setting for `userId`: their choice where they made one, else the kind's default. */
export async function emailPreferencesOf(userId: string, tx: Executor = db): Promise<Record<EmailKind, boolean>> {
  const rows = await tx
    .select({ kind: emailPreferences.kind, enabled: emailPreferences.enabled })
    .from(emailPreferences)
    .where(eq(emailPreferences.userId, userId));
  const chosen = new Map(rows.map((r) => [r.kind, r.enabled]));
  return Object.fromEntries(EMAIL_KINDS.map((kind) => [kind, chosen.get(kind) ?? EMAIL_KIND_INFO[kind].defaultOn])) as Record<EmailKind, boolean>;
}

/** True when `userId` wants mail of `kind` (their choice, else the kind's default). */
export async function wantsEmail(userId: string, kind: EmailKind, tx: Executor = db): Promise<boolean> {
  const row = await tx
    .select({ enabled: emailPreferences.enabled })
    .from(emailPreferences)
    .where(and(eq(emailPreferences.userId, userId), eq(emailPreferences.kind, kind)))
    .limit(1);
  return row[0]?.enabled ?? EMAIL_KIND_INFO[kind].defaultOn;
}

/** Stores `userId`'s choice for `kind` (insert or update). */
export async function setEmailPreference(userId: string, kind: EmailKind, enabled: boolean, tx: Executor = db): Promise<void> {
  const updatedAt = new Date();
  await tx
    .insert(emailPreferences)
    .values({ userId, kind, enabled, updatedAt })
    .onConflictDoUpdate({ target: [emailPreferences.userId, emailPreferences.kind], set: { enabled, updatedAt } });
}

/** The unsubscribe links' own key: derived from NEXTAUTH_SECRET for this one purpose (HKDF-SHA256, RFC 5869). */
function unsubscribeKey(): Buffer {
  return Buffer.from(hkdfSync("sha256", env.NEXTAUTH_SECRET, "trainlink", "unsubscribe link v1", 32));
}

/**
 * A signed, single-purpose token that unsubscribes `userId` from `kind`: `<user id>.<kind>.<HMAC-SHA256>`, all
 * base64url. It grants nothing else (its key is used for nothing else) and does not expire, as unsubscribe
 * links in old mail must keep working (RFC 8058).
 */
export function unsubscribeToken(userId: string, kind: EmailKind): string {
  const payload = `${Buffer.from(userId).toString("base64url")}.${kind}`;
  const mac = createHmac("sha256", unsubscribeKey()).update(payload).digest("base64url");
  return `${payload}.${mac}`;
}

/** Reads a token from unsubscribeToken: the user and kind, or null when it is malformed or its signature is wrong. */
export function readUnsubscribeToken(token: string): { userId: string; kind: EmailKind } | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [user, kind, mac] = parts as [string, string, string];
  if (!(EMAIL_KINDS as readonly string[]).includes(kind)) return null;
  const expected = createHmac("sha256", unsubscribeKey()).update(`${user}.${kind}`).digest();
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { userId: Buffer.from(user, "base64url").toString(), kind: kind as EmailKind };
}

/** The absolute URL of the unsubscribe page for `userId` and `kind` (the link in a mail's footer: it asks before it unsubscribes). */
export function unsubscribeUrl(userId: string, kind: EmailKind): string {
  return appUrl(`/unsubscribe?token=${encodeURIComponent(unsubscribeToken(userId, kind))}`);
}

/**
 * The absolute URL of the one-click unsubscribe endpoint for `userId` and `kind` (RFC 8058): the List-Unsubscribe
 * header's target, which mail clients POST `List-Unsubscribe=One-Click` to.
 */
export function oneClickUnsubscribeUrl(userId: string, kind: EmailKind): string {
  return appUrl(`/api/unsubscribe?token=${encodeURIComponent(unsubscribeToken(userId, kind))}`);
}
