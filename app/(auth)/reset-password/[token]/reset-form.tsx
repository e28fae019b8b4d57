"use client";

import Link from "next/link";
import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { NewPasswordFields } from "@/components/auth/new-password-fields";
import { Button } from "@/components/ui/button";
import { submitKeepingInput } from "@/components/ui/keep-input";
import { useHydrated } from "@/components/ui/use-hydrated";
import { resetPasswordAction } from "./actions";

/** The new-password form of a reset link; after a success it is replaced by a Sign in link. */
export function ResetForm({ token, email, minLength }: { token: string; email: string; minLength: number }) {
  const [state, submit, pending] = useActionState(resetPasswordAction, null);
  const hydrated = useHydrated();
  // Without React's automatic form reset, so a refused password keeps what was typed.
  const onSubmit = submitKeepingInput(submit);
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
      <NewPasswordFields minLength={minLength} />
      <Button type="submit" className="w-full" disabled={pending || !hydrated}>
        {pending ? "Saving…" : "Set new password"}
      </Button>
    </form>
  );
}
