"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { accountEmail } from "@/lib/auth/email";
import { requestPasswordReset, RESET_REQUESTED_MESSAGE } from "@/lib/auth/password-reset";
import { clientAddress } from "@/lib/auth/throttle";
import { errorFields, log, requestIdFrom, runWithRequestContext } from "@/lib/log";

const input = z.object({
  email: accountEmail,
});

/**
 * Public (no session, hence no authedAction): "Forgot password?". Mails a reset link to the account with the
 * form's `email`, if there is one and the rate limits allow; answers RESET_REQUESTED_MESSAGE whatever happened,
 * so the answer never tells which emails have accounts. Only a malformed email is an error. Never throws.
 */
export async function requestResetAction(_previous: unknown, formData: FormData): Promise<{ ok: string } | { error: string }> {
  const requestHeaders = await headers();
  return runWithRequestContext(requestIdFrom(requestHeaders), async () => {
    const parsed = input.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Enter a valid email address." };
    try {
      await requestPasswordReset(parsed.data.email, clientAddress(Object.fromEntries(requestHeaders.entries())));
    } catch (error) {
      log.error({ action: "password reset request", ...errorFields(error) }, "action failed");
      return { error: "Something went wrong on our side. Please try again in a minute." };
    }
    return { ok: RESET_REQUESTED_MESSAGE };
  });
}
