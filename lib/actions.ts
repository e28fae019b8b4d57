import "server-only";
import type { z } from "zod";
import { getCurrentUser } from "@/lib/auth/session";
import type { SessionUser } from "@/lib/auth/users";
import { can, type Permission } from "@/lib/authz";

import type { Outcome } from "@/lib/result";

/** What every server action returns to `useActionState`: its Outcome, or null before the first answer. */
export type ActionState = Outcome | null;

/**
 * Wraps a server action: authenticates (re-reading the user from the database), checks `permission`,
 * validates the form with `schema` (its first issue's message is the error shown, so schemas carry
 * user-facing messages), then runs `fn`. Server actions are reachable by direct POST, so this
 * check, not the page, is the gate (docs/SECURITY.md row 10). Unexpected errors become a generic message; the
 * detail goes to the server log, never to the page.
 */
export function authedAction<S extends z.ZodType, R extends object = Exclude<ActionState, null>>(
  permission: Permission,
  schema: S,
  fn: (input: z.output<S>, user: SessionUser) => Promise<R | { error: string }>,
) {
  return async (_previous: R | { error: string } | null, formData: FormData): Promise<R | { error: string }> => {
    const user = await getCurrentUser();
    if (!user) return { error: "Your session has ended. Sign in again to continue." };
    if (!can(user, permission)) return { error: "You do not have permission to do that." };
    const parsed = schema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "The request was not valid. Reload the page and try again." };
    try {
      return await fn(parsed.data, user);
    } catch (error) {
      console.error(`[action] ${permission} failed: ${error instanceof Error ? error.name : "error"}`);
      return { error: "Something went wrong on our side. Nothing was changed; please try again." };
    }
  };
}
