"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ROLES } from "@/db/schema";
import { revokeConnectionAsAdmin } from "@/lib/admin/connections";
import { revokeReasonSchema } from "@/lib/admin/revoke-reason";
import { changeRole, createUser, setCoaches, setUserDisabled } from "@/lib/admin/users";
import { authedAction } from "@/lib/actions";
import { sendResetLinkAsAdmin } from "@/lib/auth/password-reset";

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
export const setDisabledAction = authedAction("users.manage", z.object({ userId, disabled: z.enum(["true", "false"]) }), async (input, admin) => {
  const result = await setUserDisabled(admin, input.userId, input.disabled === "true");
  revalidatePath("/admin", "layout");
  return result;
});

/** Mails a user a single-use password-reset link valid for 30 minutes (admins only; audited as `password_reset_sent`). */
export const sendResetLinkAction = authedAction("users.manage", z.object({ userId }), async (input, admin) => {
  const result = await sendResetLinkAsAdmin(admin, input.userId);
  revalidatePath("/admin", "layout");
  return result;
});

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
  z.object({ connectionId: z.string({ error: "Choose a connection." }).min(1).max(100), reason: revokeReasonSchema }),
  async ({ connectionId, reason }, admin) => {
    const result = await revokeConnectionAsAdmin(admin, connectionId, reason);
    revalidatePath("/admin", "layout");
    return result;
  },
);
