"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { resetPassword } from "@/lib/auth/password-reset";
import { errorFields, log, requestIdFrom, runWithRequestContext } from "@/lib/log";

const input = z.object({
  token: z.string({ error: "This reset link is not valid." }).min(1, "This reset link is not valid.").max(200, "This reset link is not valid."),
  password: z.string({ error: "Choose a new password." }).min(1, "Choose a new password."),
  confirm: z.string({ error: "Type the new password again." }),
});

/**
 * Public (the reset link is the credential, hence no authedAction): sets the new `password` with the link's
 * `token` (single use; every session of the account ends). `confirm` must match. Resolves to `{ ok }` (the page
 * then offers Sign in) or `{ error }`, one sentence. Never throws.
 */
export async function resetPasswordAction(_previous: unknown, formData: FormData): Promise<{ ok: string } | { error: string }> {
  return runWithRequestContext(requestIdFrom(await headers()), async () => {
    const parsed = input.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "The form was not valid. Reload the page and try again." };
    if (parsed.data.password !== parsed.data.confirm) return { error: "The two passwords differ. Type the same new password twice." };
    try {
      const result = await resetPassword(parsed.data.token, parsed.data.password);
      if ("error" in result) return result;
      return { ok: "Your password is changed, and every session that was signed in has ended. Sign in with the new password." };
    } catch (error) {
      log.error({ action: "password reset", ...errorFields(error) }, "action failed");
      return { error: "Something went wrong on our side and your password was not changed. Please try again." };
    }
  });
}
