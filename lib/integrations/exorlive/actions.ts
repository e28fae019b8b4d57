"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { findActiveAthleteByEmail } from "@/lib/admin/users";
import { authedAction } from "@/lib/actions";
import { linkServerToServer } from "@/lib/integrations/exorlive/admin-link";

/** Links ExorLive for an athlete from their ExorLive user id (admins only). */
export const linkExorLiveAction = authedAction(
  "connections.link_for_athlete",
  z.object({
    athleteEmail: z.email({ error: "Enter the athlete's email address." }).max(320),
    exorliveUserId: z
      .string({ error: "Enter the ExorLive user ID." })
      .trim()
      .min(1, "Enter the ExorLive user ID.")
      .regex(/^\d{1,18}$/, "ExorLive user IDs are digits only (up to 18)."),
  }),
  async ({ athleteEmail, exorliveUserId }, admin) => {
    const athlete = await findActiveAthleteByEmail(admin, athleteEmail);
    if (!athlete) return { error: `No active athlete has the email ${athleteEmail}. Check it on the Users page. Nothing was stored.` };
    const result = await linkServerToServer({ admin, athleteId: athlete.id, service: "exorlive", serviceUserId: exorliveUserId });
    revalidatePath("/admin", "layout");
    return result;
  },
);
