"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { changePassword } from "@/lib/auth/password-reset";
import { reissueSession } from "@/lib/auth/session-cookie";

/**
 * "Change password" for the signed-in user (every role): the current password is required; the new one is typed
 * twice. On success every other session of the user ends (users.sessions_revoked_at) and this one is re-issued so
 * it stays signed in. Audited as `password_changed`.
 */
export const changePasswordAction = authedAction(
  "settings.update",
  z.object({
    current: z.string({ error: "Type your current password." }).min(1, "Type your current password."),
    password: z.string({ error: "Choose a new password." }).min(1, "Choose a new password."),
    confirm: z.string({ error: "Type the new password again." }),
  }),
  async ({ current, password, confirm }, user) => {
    if (password !== confirm) return { error: "The two new passwords differ. Type the same new password twice." };
    const result = await changePassword(user, current, password);
    if ("error" in result) return { error: result.error };
    await reissueSession(await cookies(), result.revokedAtSeconds);
    return { ok: "Your password is changed. You stay signed in here; every other session has been signed out." };
  },
);
