"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { linkServerToServer } from "@/lib/connections/admin-link";
import { checkFitRankingsAccess, renewMasterToken } from "@/lib/connections/master-token";
import { ServiceError } from "@/lib/integrations/http";

/** Links ExorLive for an athlete from their ExorLive user id (admins only). */
export const linkExorLiveAction = authedAction(
  "connections.link_for_athlete",
  z.object({
    athleteId: z.string({ error: "Choose an athlete to link." }).min(1, "Choose an athlete to link."),
    exorliveUserId: z
      .string({ error: "Enter the ExorLive user ID." })
      .trim()
      .min(1, "Enter the ExorLive user ID.")
      .regex(/^\d{1,18}$/, "ExorLive user IDs are digits only (up to 18)."),
  }),
  async ({ athleteId, exorliveUserId }, admin) => {
    const result = await linkServerToServer({ admin, athleteId, service: "exorlive", serviceUserId: exorliveUserId });
    revalidatePath("/admin");
    return result;
  },
);

/** Obtains a new FitRankings master token now (admins only); the old one is replaced. */
export const renewMasterTokenAction = authedAction("credentials.manage", z.object({}), async () => {
  try {
    await renewMasterToken();
  } catch (error) {
    return { error: `FitRankings did not issue a master token: ${error instanceof ServiceError ? error.message : "unexpected error"}. The stored one is kept.` };
  } finally {
    revalidatePath("/admin");
  }
  return { ok: "A new FitRankings master token was obtained and stored." };
});

/** Makes an application-level FitRankings call with the master token, renewing it if rejected (admins only). */
export const checkFitRankingsAction = authedAction("credentials.manage", z.object({}), async () => {
  try {
    const count = await checkFitRankingsAccess();
    return { ok: `FitRankings accepted the master token (${count} activities visible).` };
  } catch (error) {
    return { error: `FitRankings refused the application-level call: ${error instanceof ServiceError ? error.message : "unexpected error"}.` };
  } finally {
    revalidatePath("/admin");
  }
});
