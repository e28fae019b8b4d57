"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ROLES } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { revokeConnectionAsAdmin } from "@/lib/admin/connections";
import { changeRole, createUser, findActiveAthleteByEmail, setCoaches, setUserDisabled } from "@/lib/admin/users";
import { authedAction } from "@/lib/actions";
import { linkServerToServer } from "@/lib/connections/admin-link";
import { checkFitRankingsAccess, renewMasterToken } from "@/lib/connections/master-token";
import { ServiceError } from "@/lib/integrations/http";

const userId = z.string({ error: "Choose a user." }).min(1, "Choose a user.").max(100);
const role = z.enum(ROLES, { error: "Choose a role: athlete, coach or admin." });

/** Creates a user with a role and an initial password (admins only). */
export const createUserAction = authedAction(
  "users.manage",
  z.object({
    name: z.string({ error: "Enter a name." }).trim().min(1, "Enter a name.").max(100, "Names are at most 100 characters."),
    email: z.string({ error: "Enter an email." }).trim().toLowerCase().pipe(z.email("Enter a valid email address.")),
    role,
    password: z.string({ error: "Enter an initial password." }).min(8, "Initial passwords need at least 8 characters.").max(200),
  }),
  async (input, admin) => {
    const result = await createUser(admin, input);
    revalidatePath("/admin");
    return result;
  },
);

/** Changes a user's role (admins only; not their own). */
export const changeRoleAction = authedAction("users.manage", z.object({ userId, role }), async (input, admin) => {
  const result = await changeRole(admin, input.userId, input.role);
  revalidatePath("/admin", "layout");
  return result;
});

/** Disables or re-enables a user (admins only; not themself). */
export const setDisabledAction = authedAction(
  "users.manage",
  z.object({ userId, disabled: z.enum(["true", "false"]) }),
  async (input, admin) => {
    const result = await setUserDisabled(admin, input.userId, input.disabled === "true");
    revalidatePath("/admin", "layout");
    return result;
  },
);

/** Sets an athlete's coaches to exactly the checked ones (admins only). */
export const setCoachesAction = authedAction(
  "users.manage",
  z.object({ userId, coachIds: z.string().max(10_000).default("") }),
  async (input, admin) => {
    const result = await setCoaches(admin, input.userId, input.coachIds.split(",").filter(Boolean));
    revalidatePath("/admin", "layout");
    return result;
  },
);

/** Revokes any connection through the athlete's Disconnect path, the admin recorded as actor (admins only). */
export const revokeConnectionAction = authedAction(
  "connections.revoke_any",
  z.object({ connectionId: z.string({ error: "Choose a connection." }).min(1).max(100) }),
  async ({ connectionId }, admin) => {
    const result = await revokeConnectionAsAdmin(admin, connectionId);
    revalidatePath("/admin", "layout");
    return result;
  },
);

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

/** Obtains a new FitRankings master token now (admins only); the old one is replaced. */
export const renewMasterTokenAction = authedAction("credentials.manage", z.object({}), async (_input, admin) => {
  try {
    await renewMasterToken();
  } catch (error) {
    return { error: `FitRankings did not issue a master token: ${error instanceof ServiceError ? error.message : "unexpected error"}. The stored one is kept.` };
  } finally {
    revalidatePath("/admin", "layout");
  }
  recordAdminAction({ actorId: admin.id, kind: "master_token_renewed", service: "fitrankings" });
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
    revalidatePath("/admin", "layout");
  }
});
