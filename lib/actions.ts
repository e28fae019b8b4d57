import "server-only";
import { headers } from "next/headers";
import type { z } from "zod";
import { getCurrentUser } from "@/lib/auth/session";
import type { SessionUser } from "@/lib/auth/users";
import { can, type Permission } from "@/lib/authz";
import { errorFields, log, requestIdFrom, runWithRequestContext } from "@/lib/log";

import type { Outcome } from "@/lib/result";

/** What every server action returns to `useActionState`: its Outcome, or null before the first answer. */
export type ActionState = Outcome | null;

/**
 * Wraps a server action: authenticates (re-reading the user from the database), checks `permission`,
 * validates the form with `schema` (its first issue's message is the error shown, so schemas carry
 * user-facing messages), then runs `fn`. Server actions are reachable by direct POST, so this
 * check, not the page, is the gate (docs/SECURITY.md row 10). Unexpected errors become a generic message; the
 * permission and the error's name and code go to the server log ("action failed"), never its message, and nothing
 * to the page. It all runs in a request context (lib/log.ts), so its log lines carry the request's `requestId`.
 */
export function authedAction<S extends z.ZodType, R extends object = Exclude<ActionState, null>>(
  permission: Permission,
  schema: S,
  fn: (input: z.output<S>, user: SessionUser) => Promise<R | { error: string }>,
) {
  return async (_previous: R | { error: string } | null, formData: FormData): Promise<R | { error: string }> =>
    runWithRequestContext(requestIdFrom(await headers()), () => run(formData));
  async function run(formData: FormData): Promise<R | { error: string }> {
    const user = await getCurrentUser();
    if (!user) return { error: "Your session has ended. Sign in again to continue." };
    if (!can(user, permission)) return { error: "You do not have permission to do that." };
    const parsed = schema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "The request was not valid. Reload the page and try again." };
    try {
      return await fn(parsed.data, user);
    } catch (error) {
      log.error({ permission, ...errorFields(error) }, "action failed");
      return { error: "Something went wrong on our side. Nothing was changed; please try again." };
    }
  }
}
