"use server";

import { z } from "zod";
import { accountEmail } from "@/lib/auth/email";
import { getCurrentUser } from "@/lib/auth/session";
import { authedAction } from "@/lib/actions";
import { acceptInvitation, joinRosterByInvitation } from "@/lib/invitations";
import { errorFields, log } from "@/lib/log";
import { failed } from "@/lib/result";

const signupInput = z.object({
  token: z.string({ error: "This invite link is not valid." }).min(1, "This invite link is not valid.").max(200, "This invite link is not valid."),
  name: z.string({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "Your name can be at most 100 characters."),
  email: accountEmail,
  password: z
    .string({ error: "Choose a password." })
    .min(8, "Your password must be at least 8 characters.")
    .max(200, "Your password can be at most 200 characters."),
});

/**
 * Public (no session needed, hence no authedAction): signs a visitor up as an athlete through the invite link
 * whose token is the form's `token` field, with `name`, `email` and `password`. Resolves to `{ ok: true }`
 * (the client then signs in with the same email and password) or `{ error }` holding one sentence: the first
 * validation message, or why the invitation or email was refused. Never throws.
 */
export async function acceptInviteAction(formData: FormData): Promise<{ ok: true } | { error: string }> {
  try {
    const parsed = signupInput.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "The form was not valid. Reload the page and try again." };
    const current = await getCurrentUser();
    if (current) return { error: `You are signed in as ${current.email}. Reload this page to join with that account instead of creating a new one.` };
    const { token, ...input } = parsed.data;
    const result = await acceptInvitation(token, input);
    return failed(result) ? { error: result.error } : { ok: true };
  } catch (error) {
    log.error({ action: "invitation accept", ...errorFields(error) }, "action failed");
    return { error: "Something went wrong on our side and no account was created. Please try again." };
  }
}

const joinInput = z.object({
  token: z.string({ error: "This invite link is not valid." }).min(1, "This invite link is not valid.").max(200, "This invite link is not valid."),
});

/**
 * Puts the signed-in athlete (an existing account; athletes only) on the roster of the coach whose invite link
 * `token` is, consuming the link. Resolves to `{ ok, coachName }` or `{ error }` (why the link or the join was
 * refused; nothing changed).
 */
export const joinRosterAction = authedAction<typeof joinInput, { ok: string; coachName: string }>(
  "invitations.accept",
  joinInput,
  async ({ token }, athlete) => {
    const result = await joinRosterByInvitation(token, athlete);
    if (failed(result)) return result;
    return {
      ok: `You joined ${result.coachName}'s roster. ${result.coachName} can now see the status of your connections.`,
      coachName: result.coachName,
    };
  },
);
