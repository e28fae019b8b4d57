import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { users, type EmailKind } from "@/db/schema";
import { readUnsubscribeToken, setEmailPreference } from "@/lib/mail/preferences";

/** Longer tokens are refused unread; a real one (a UUID, a kind and a MAC, base64url) is about 115 characters. */
export const MAX_UNSUBSCRIBE_TOKEN_LENGTH = 512;

/** The body of an RFC 8058 one-click unsubscribe POST is one short field; anything longer is refused unread (bytes). */
export const MAX_ONE_CLICK_BODY_BYTES = 1024;

/** The sentence for a token that is malformed, tampered with, or names a user that no longer exists. */
export const INVALID_UNSUBSCRIBE_LINK = "This unsubscribe link is not valid.";

/** What a valid unsubscribe link stands for: whose mail of which kind, and their address masked for display. */
export interface UnsubscribeLink {
  userId: string;
  kind: EmailKind;
  /** e.g. `a•••@example.com`: enough for the owner to recognise it, never the whole address. */
  maskedEmail: string;
}

/** `email` with its local part cut to the first character: `ana@example.com` → `a•••@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "•••";
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/**
 * Checks an unsubscribe token (lib/mail/preferences.ts unsubscribeToken) without changing anything: the link's
 * user and kind when its signature is right and the user still exists (disabled users included: they may still
 * stop mail), else null. The token is the only authorization the unsubscribe page and the one-click endpoint
 * have, so nothing is read or written for a null.
 */
export async function findUnsubscribeLink(token: string | null | undefined): Promise<UnsubscribeLink | null> {
  if (!token || token.length > MAX_UNSUBSCRIBE_TOKEN_LENGTH) return null;
  const read = readUnsubscribeToken(token);
  if (!read) return null;
  const user = await db.select({ email: users.email }).from(users).where(eq(users.id, read.userId)).limit(1).then(firstRow);
  return user ? { ...read, maskedEmail: maskEmail(user.email) } : null;
}

/** Turns off `link`'s kind of mail for its user (from findUnsubscribeLink: the token is already checked). */
export async function applyUnsubscribe(link: Pick<UnsubscribeLink, "userId" | "kind">): Promise<void> {
  await setEmailPreference(link.userId, link.kind, false);
}

/**
 * True when `body` (at most MAX_ONE_CLICK_BODY_BYTES, already read) is RFC 8058's one-click request: the field
 * `List-Unsubscribe=One-Click`, sent as `application/x-www-form-urlencoded` or `multipart/form-data` (§3.2 allows
 * both); `contentType` is the request's Content-Type header, read as form-urlencoded when a sender left it out.
 */
export async function isOneClickBody(contentType: string | null, body: string): Promise<boolean> {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (!type || type === "application/x-www-form-urlencoded") return new URLSearchParams(body).get("List-Unsubscribe") === "One-Click";
  if (type === "multipart/form-data") {
    try {
      const form = await new Response(body, { headers: { "content-type": contentType ?? "" } }).formData();
      return form.get("List-Unsubscribe") === "One-Click";
    } catch {
      return false;
    }
  }
  return false;
}
