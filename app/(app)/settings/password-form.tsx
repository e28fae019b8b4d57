"use client";

import { useActionState, useEffect, useRef } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { NewPasswordFields } from "@/components/auth/new-password-fields";
import { Button } from "@/components/ui/button";
import { submitKeepingInput } from "@/components/ui/keep-input";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { useHydrated } from "@/components/ui/use-hydrated";
import { changePasswordAction } from "./password-actions";

/** The settings page's "Change password" form: current password, then the new one twice. */
export function PasswordForm({ email, minLength }: { email: string; minLength: number }) {
  const [state, submit, pending] = useActionState(changePasswordAction, null);
  const hydrated = useHydrated();
  // Without React's automatic form reset, so a refused password keeps what was typed.
  const onSubmit = submitKeepingInput(submit);
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
      <NewPasswordFields minLength={minLength} note="Every other session is signed out." />
      <Button type="submit" disabled={pending || !hydrated}>
        {pending ? "Saving…" : "Change password"}
      </Button>
    </form>
  );
}
