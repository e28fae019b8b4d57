"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { cancelInvitation, createInvitation } from "@/lib/invitations";
import { failed } from "@/lib/result";

/**
 * Creates a single-use invite link for the signed-in coach's roster (coaches only). `url` is shown once (only
 * its hash is stored); `expiresAt` is an ISO 8601 instant (UTC), 7 days from now.
 */
const noInput = z.object({});

export const createInviteAction = authedAction<typeof noInput, { ok: string; url: string; expiresAt: string }>(
  "invitations.create",
  noInput,
  async (_input, coach) => {
    const { url, expiresAt } = await createInvitation(coach);
    revalidatePath("/coach");
    return { ok: "Invite link created. Send it to one athlete: it works once.", url, expiresAt: expiresAt.toISOString() };
  },
);

const cancelInput = z.object({
  invitationId: z
    .string({ error: "This invite could not be found. Reload the page." })
    .min(1, "This invite could not be found. Reload the page.")
    .max(100, "This invite could not be found. Reload the page."),
});

/**
 * Cancels one of the signed-in coach's unused invite links (coaches only; the page asks for confirmation first).
 * The link then reads "not valid"; the cancellation is audited.
 */
export const cancelInviteAction = authedAction<typeof cancelInput, { ok: string }>(
  "invitations.create",
  cancelInput,
  async ({ invitationId }, coach) => {
    const result = await cancelInvitation(coach, invitationId);
    if (failed(result)) return result;
    revalidatePath("/coach");
    return { ok: "Invite link cancelled. Anyone who opens it now is told it is not valid." };
  },
);
