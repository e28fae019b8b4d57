import "server-only";
import type { EmailKind, Role } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { EMAIL_KIND_INFO, emailKindsFor, emailPreferencesOf, setEmailPreference } from "@/lib/mail/preferences";
import type { Outcome } from "@/lib/result";

/** One row of the settings page's "Email notifications": a kind the user can receive, and whether they do. */
export interface EmailSetting {
  kind: EmailKind;
  label: string;
  description: string;
  enabled: boolean;
}

/** How the settings page names a role's people ("There are no emails for administrators yet."). */
export const ROLE_PLURAL: Record<Role, string> = { athlete: "athletes", coach: "coaches", admin: "administrators" };

/** The kinds of mail `user`'s role can receive, in display order, each with their choice (or its default). Empty for admins. */
export async function emailSettingsOf(user: SessionUser): Promise<EmailSetting[]> {
  const kinds = emailKindsFor(user.role);
  if (kinds.length === 0) return [];
  const chosen = await emailPreferencesOf(user.id);
  return kinds.map((kind) => ({ kind, label: EMAIL_KIND_INFO[kind].label, description: EMAIL_KIND_INFO[kind].description, enabled: chosen[kind] }));
}

/**
 * Turns `user`'s own mail of `kind` on or off. Only a kind their role receives (emailKindsFor) can be set; another
 * resolves to `{ error }` and writes nothing. Throws ForbiddenError without "settings.update".
 */
export async function updateOwnEmailPreference(user: SessionUser, kind: EmailKind, enabled: boolean): Promise<Outcome> {
  assertCan(user, "settings.update");
  const { label } = EMAIL_KIND_INFO[kind];
  if (!emailKindsFor(user.role).includes(kind))
    return { error: `“${label}” emails are not sent to ${ROLE_PLURAL[user.role]}, so there is nothing to change.` };
  await setEmailPreference(user.id, kind, enabled);
  return { ok: enabled ? `Saved. You will get “${label}” emails.` : `Saved. You will no longer get “${label}” emails.` };
}
