"use server";

import { z } from "zod";
import { errorFields, log } from "@/lib/log";
import { applyUnsubscribe, findUnsubscribeLink, INVALID_UNSUBSCRIBE_LINK, MAX_UNSUBSCRIBE_TOKEN_LENGTH } from "@/lib/mail/unsubscribe";

const unsubscribeInput = z.object({
  token: z.string({ error: INVALID_UNSUBSCRIBE_LINK }).min(1, INVALID_UNSUBSCRIBE_LINK).max(MAX_UNSUBSCRIBE_TOKEN_LENGTH, INVALID_UNSUBSCRIBE_LINK),
});

/**
 * Public (no session needed, hence no authedAction): the unsubscribe page's button. The form's `token` (from a
 * mail's unsubscribe link) is the whole authorization: it is checked (signature, user still there) and its kind
 * of mail is turned off for its user. Resolves to `{ ok }` or `{ error }` holding one sentence. Never throws.
 */
export async function unsubscribeAction(_previous: unknown, formData: FormData): Promise<{ ok: string } | { error: string }> {
  try {
    const parsed = unsubscribeInput.safeParse(Object.fromEntries(formData));
    const link = parsed.success ? await findUnsubscribeLink(parsed.data.token) : null;
    if (!link) {
      log.warn({ component: "unsubscribe" }, "unsubscribe with a link that is not valid refused");
      return { error: `${INVALID_UNSUBSCRIBE_LINK} Sign in to change which emails you get in Settings.` };
    }
    await applyUnsubscribe(link);
    return { ok: "Unsubscribed." };
  } catch (error) {
    log.error({ action: "unsubscribe", ...errorFields(error) }, "action failed");
    return { error: "Something went wrong on our side and nothing was changed. Please try again." };
  }
}
