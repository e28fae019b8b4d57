"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { useHydrated } from "@/components/ui/use-hydrated";
import { requestResetAction } from "./actions";

/** The "Forgot password?" form: one email field; the answer is the same whether or not the email has an account. */
export function ForgotForm() {
  const [state, submit, pending] = useActionState(requestResetAction, null);
  const hydrated = useHydrated();
  return (
    <form action={submit} className="space-y-4" noValidate>
      <div aria-live="polite">
        <ActionOutcome state={state} />
      </div>
      <div>
        <label htmlFor="reset-email" className={LABEL_CLASS}>
          Email
        </label>
        <input id="reset-email" name="email" type="email" autoComplete="email" required className={FIELD_CLASS} />
      </div>
      <Button type="submit" className="w-full" disabled={pending || !hydrated}>
        {pending ? "Sending…" : "Send reset link"}
      </Button>
    </form>
  );
}
