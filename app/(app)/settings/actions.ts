"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { EMAIL_KINDS } from "@/db/schema";
import { authedAction } from "@/lib/actions";
import { updateOwnEmailPreference } from "@/lib/mail/settings";

/**
 * Turns one kind of the signed-in user's own mail on or off (every role; only kinds their role receives, which
 * updateOwnEmailPreference checks). `enabled` is the wanted value, not a toggle, so a repeated submit changes nothing more.
 */
export const setEmailPreferenceAction = authedAction(
  "settings.update",
  z.object({
    kind: z.enum(EMAIL_KINDS, { error: "Choose which emails to change." }),
    enabled: z.enum(["true", "false"], { error: "Choose on or off." }),
  }),
  async ({ kind, enabled }, user) => {
    const result = await updateOwnEmailPreference(user, kind, enabled === "true");
    revalidatePath("/settings");
    return result;
  },
);
