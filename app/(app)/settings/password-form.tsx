"use client";

import { startTransition, useActionState, useEffect, useRef } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { useHydrated } from "@/components/ui/use-hydrated";
import { changePasswordAction } from "./password-actions";

/** The settings page's "Change password" form: current password, then the new one twice. */
export function PasswordForm({ email, minLength }: { email: string; minLength: number }) {
  const [state, submit, pending] = useActionState(changePasswordAction, null);
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
  const formRef = useRef<HTMLFormElement>(null);
  // After a success the fields are emptied: the new password is not left in the page.
  useEffect(() => {
    if (state && "ok" in state) formRef.current?.reset();
  }, [state]);
  return (
    <form method="post" onSubmit={onSubmit} ref={formRef} className="max-w-sm space-y-4" noValidate>
      <div aria-live="polite">
        <ActionOutcome state={state} />
      </div>
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <div>
        <label htmlFor="current-password" className={LABEL_CLASS}>
          Current password
        </label>
        <input id="current-password" name="current" type="password" autoComplete="current-password" required className={FIELD_CLASS} />
      </div>
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
          At least {minLength} characters. Every other session is signed out.
        </p>
      </div>
      <div>
        <label htmlFor="confirm-password" className={LABEL_CLASS}>
          New password again
        </label>
        <input id="confirm-password" name="confirm" type="password" autoComplete="new-password" required className={FIELD_CLASS} />
      </div>
      <Button type="submit" disabled={pending || !hydrated}>
        {pending ? "Saving…" : "Change password"}
      </Button>
    </form>
  );
}
