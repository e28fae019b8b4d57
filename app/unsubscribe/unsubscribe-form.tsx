"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { unsubscribeAction } from "./actions";
import { LINK_CLASS, Shell } from "./shell";

/**
 * "Stop emails: <label>?" with an Unsubscribe button that posts `token` to unsubscribeAction, then what changed.
 * The button is not held back until hydration, unlike the signed-in forms: a server action's form posts without
 * JavaScript too, and people open these links from any mail client.
 */
export function UnsubscribeForm({ token, label, maskedEmail }: { token: string; label: string; maskedEmail: string }) {
  const [state, unsubscribe, pending] = useActionState(unsubscribeAction, null);
  if (state && "ok" in state)
    return (
      <Shell heading="You are unsubscribed">
        <Alert tone="success">
          You will no longer get “{label}” emails. You can turn them back on in{" "}
          <Link href="/settings" className="font-semibold underline">
            Settings
          </Link>
          .
        </Alert>
      </Shell>
    );
  return (
    <Shell heading={`Stop emails: ${label}?`}>
      <p>
        We will stop sending “{label}” emails to <span className="font-semibold text-slate-900">{maskedEmail}</span>. Other emails are not affected.
      </p>
      {state ? <Alert tone="error">{state.error}</Alert> : null}
      <form action={unsubscribe}>
        <input type="hidden" name="token" value={token} />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Unsubscribing…" : "Unsubscribe"}
        </Button>
      </form>
      <p>
        To choose which emails you get,{" "}
        <Link href="/settings" className={LINK_CLASS}>
          sign in and open your email settings
        </Link>
        .
      </p>
    </Shell>
  );
}
