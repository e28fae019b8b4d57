"use client";

import Link from "next/link";
import { startTransition, useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { useHydrated } from "@/components/ui/use-hydrated";
import { resetPasswordAction } from "./actions";

/** The new-password form of a reset link; after a success it is replaced by a Sign in link. */
export function ResetForm({ token, email, minLength }: { token: string; email: string; minLength: number }) {
  const [state, submit, pending] = useActionState(resetPasswordAction, null);
  const hydrated = useHydrated();
  /**
   * Submits without React's automatic form reset, so a refused password (wrong current one, too short, the two
   * differ) keeps what was typed.
   */
  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => submit(formData));
  }
  if (state && "ok" in state) {
    return (
      <div className="space-y-4">
        <ActionOutcome state={state} />
        <Link href="/login" className="block text-center font-medium text-brand-700 underline">
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
      <div aria-live="polite">
        <ActionOutcome state={state} />
      </div>
      <input type="hidden" name="token" value={token} />
      {/* For password managers: the account this password belongs to. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <div>
        <label htmlFor="new-password" className={LABEL_CLASS}>
          New password
        </label>
        <input
          id="new-password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={minLength}
          aria-describedby="new-password-hint"
          className={FIELD_CLASS}
        />
        <p id="new-password-hint" className="mt-1 text-xs text-slate-600">
          At least {minLength} characters.
        </p>
      </div>
      <div>
        <label htmlFor="confirm-password" className={LABEL_CLASS}>
          New password again
        </label>
        <input id="confirm-password" name="confirm" type="password" autoComplete="new-password" required className={FIELD_CLASS} />
      </div>
      <Button type="submit" className="w-full" disabled={pending || !hydrated}>
        {pending ? "Saving…" : "Set new password"}
      </Button>
    </form>
  );
}
