"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { createInvitation } from "@/lib/invitations";

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
