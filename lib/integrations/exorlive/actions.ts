"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { findActiveAthleteByEmail } from "@/lib/admin/users";
import { authedAction } from "@/lib/actions";
import { ForbiddenError } from "@/lib/authz";
import type { SessionUser } from "@/lib/auth/users";
import { linkServerToServer } from "@/lib/integrations/exorlive/admin-link";
import { ATHLETE_SEARCH_MAX, searchAthletes, type AthleteSuggestion } from "@/lib/integrations/exorlive/athlete-search";
import {
  approveLinkRequest,
  cancelLinkRequest,
  DECLINE_REASON_MAX,
  declineLinkRequest,
  NOTE_MAX,
  requestExorLiveLink,
} from "@/lib/integrations/exorlive/link-requests";
import { exorliveUserIdSchema } from "@/lib/integrations/exorlive/user-id";
import type { Outcome } from "@/lib/result";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { and, eq, isNull } from "drizzle-orm";
import { users } from "@/db/schema";

/** Who the admin's form names: an athlete picked from the suggestions (`athleteId`) or typed as an email. */
const athleteChoice = {
  athleteId: z.string().max(100).optional(),
  athleteQuery: z.string().max(ATHLETE_SEARCH_MAX).optional(),
};

/**
 * The active athlete the admin's form names, as `{ id, name, email }`, or a sentence saying what to fix: the picked
 * athlete (`athleteId`), else the athlete whose email is the typed text.
 */
async function chosenAthlete(
  admin: SessionUser,
  { athleteId, athleteQuery }: { athleteId?: string; athleteQuery?: string },
): Promise<{ id: string; name: string; email: string } | { error: string }> {
  if (athleteId) {
    const athlete = await db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(and(eq(users.id, athleteId), eq(users.role, "athlete"), isNull(users.disabledAt)))
      .limit(1)
      .then(firstRow);
    return athlete ?? { error: "That athlete is no longer an active athlete. Search again." };
  }
  const typed = athleteQuery?.trim() ?? "";
  if (!typed) return { error: "Choose the athlete: type a name or email and pick them from the list." };
  const email = z.email().max(320).safeParse(typed);
  if (!email.success) return { error: `Pick the athlete from the list, or type their full email address ("${typed}" is neither).` };
  const found = await findActiveAthleteByEmail(admin, email.data);
  if (!found) return { error: `No active athlete has the email ${email.data}. Check it on the Users page. Nothing was stored.` };
  return { ...found, email: email.data.toLowerCase() };
}

const linkInput = z.object({ ...athleteChoice, exorliveUserId: exorliveUserIdSchema });

/**
 * The admin form's first step: checks the ExorLive user ID and resolves the athlete, so the confirmation can say
 * "Link ExorLive user <id> to <name> (<email>)?". Changes nothing.
 */
export const previewExorLiveLinkAction = authedAction<
  typeof linkInput,
  { ok: string; athlete: { id: string; name: string; email: string }; exorliveUserId: string }
>("connections.link_for_athlete", linkInput, async (input, admin) => {
  const athlete = await chosenAthlete(admin, input);
  if ("error" in athlete) return athlete;
  return { ok: "ready", athlete, exorliveUserId: input.exorliveUserId };
});

/** Links ExorLive for an athlete from their ExorLive user id (admins only), after the form's confirmation. */
export const linkExorLiveAction = authedAction("connections.link_for_athlete", linkInput, async (input, admin) => {
  const athlete = await chosenAthlete(admin, input);
  if ("error" in athlete) return athlete;
  const result = await linkServerToServer({ admin, athleteId: athlete.id, service: "exorlive", serviceUserId: input.exorliveUserId });
  revalidatePath("/admin", "layout");
  return result;
});

/** Up to 10 active athletes whose name or email contains `q`, for the admin form's suggestions (admins only). */
export const searchAthletesAction = authedAction<z.ZodObject<{ q: z.ZodString }>, { athletes: AthleteSuggestion[] }>(
  "connections.link_for_athlete",
  z.object({ q: z.string().max(ATHLETE_SEARCH_MAX) }),
  async ({ q }, admin) => ({ athletes: await searchAthletes(admin, q) }),
);

/** Forbidden errors become the sentence to show, like any refusal. */
async function refusalsAsErrors(run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ForbiddenError) return { error: error.message };
    throw error;
  }
}

/** "Ask an administrator to link ExorLive": an athlete for themself, a coach for an athlete on their roster. */
export const requestExorLiveLinkAction = authedAction(
  "exorlive_requests.create",
  z.object({
    athleteId: z.string({ error: "Choose an athlete." }).min(1, "Choose an athlete.").max(100),
    exorliveUserId: exorliveUserIdSchema,
    note: z.string().max(NOTE_MAX, `Keep the note under ${NOTE_MAX} characters.`).optional(),
  }),
  async ({ athleteId, exorliveUserId, note }, actor): Promise<Outcome> =>
    refusalsAsErrors(async () => {
      const result = await requestExorLiveLink({ actor, athleteId, exorliveUserId, note });
      revalidatePath("/connections");
      revalidatePath(`/coach/athletes/${athleteId}`);
      revalidatePath("/admin/services");
      if ("error" in result) return { error: result.error };
      return { ok: "Request sent.", note: "An administrator will link ExorLive; you see it here when they have." };
    }),
);

/** Cancels an open ExorLive link request (the athlete, or their coach). */
export const cancelExorLiveLinkRequestAction = authedAction(
  "exorlive_requests.create",
  z.object({ requestId: z.string().min(1).max(100) }),
  async ({ requestId }, actor): Promise<Outcome> =>
    refusalsAsErrors(async () => {
      const result = await cancelLinkRequest({ actor, requestId });
      revalidatePath("/connections");
      revalidatePath("/coach", "layout");
      revalidatePath("/admin/services");
      return result;
    }),
);

/** Approves a queued request: links ExorLive through the same code path as the admin's form (admins only). */
export const approveExorLiveLinkRequestAction = authedAction(
  "connections.link_for_athlete",
  z.object({ requestId: z.string().min(1).max(100) }),
  async ({ requestId }, admin): Promise<Outcome> => {
    const result = await approveLinkRequest({ admin, requestId });
    revalidatePath("/admin", "layout");
    return result;
  },
);

/** Declines a queued request with a reason the athlete reads on their card (admins only). */
export const declineExorLiveLinkRequestAction = authedAction(
  "connections.link_for_athlete",
  z.object({
    requestId: z.string().min(1).max(100),
    reason: z
      .string({ error: "Write why the request is declined." })
      .trim()
      .min(1, "Write why the request is declined: the athlete reads it on their ExorLive card.")
      .max(DECLINE_REASON_MAX, `Keep the reason under ${DECLINE_REASON_MAX} characters.`),
  }),
  async ({ requestId, reason }, admin): Promise<Outcome> => {
    const result = await declineLinkRequest({ admin, requestId, reason });
    revalidatePath("/admin", "layout");
    return result;
  },
);
