"use client";

import { LocalTime } from "@/components/ui/local-time";
import { useActionState, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { createInviteAction } from "./invite-actions";

type CopyState = "idle" | "copied" | "manual";

/** "Invite athletes": creates a single-use invite link and shows it once, with a Copy button. */
export function InvitePanel() {
  const [state, create, pending] = useActionState(createInviteAction, null);
  const [copy, setCopy] = useState<{ url: string; state: CopyState } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const hydrated = useHydrated();
  const invite = state && "url" in state ? state : null;
  const copyState: CopyState = invite && copy?.url === invite.url ? copy.state : "idle";

  async function onCopy() {
    if (!invite) return;
    try {
      if (!navigator.clipboard?.writeText) throw new Error("clipboard unavailable");
      await navigator.clipboard.writeText(invite.url);
      setCopy({ url: invite.url, state: "copied" });
      const copiedUrl = invite.url;
      window.setTimeout(
        () => setCopy((current) => (current?.url === copiedUrl && current.state === "copied" ? { url: copiedUrl, state: "idle" } : current)),
        2000,
      );
    } catch {
      // No clipboard access (insecure origin, permission denied): select the text so Ctrl+C / Cmd+C works.
      inputRef.current?.focus();
      inputRef.current?.select();
      setCopy({ url: invite.url, state: "manual" });
    }
  }

  return (
    <section aria-labelledby="invite-heading" className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <div>
        <h2 id="invite-heading" className="text-lg font-semibold text-slate-900">
          Invite athletes
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Create a link and send it to one athlete: whoever opens it within 7 days creates an account (or signs in to the one they have) and joins
          your roster. Each link works once; your links are listed below.
        </p>
      </div>
      <form action={create}>
        <Button type="submit" disabled={pending || !hydrated}>
          {pending ? "Creating…" : "Create invite link"}
        </Button>
      </form>
      {state && "error" in state ? <Alert tone="error">{state.error}</Alert> : null}
      {invite ? (
        <div className="space-y-2">
          <label htmlFor="invite-link" className="block text-sm font-medium text-slate-700">
            Invite link
          </label>
          <div className="flex gap-2">
            <input
              ref={inputRef}
              id="invite-link"
              type="text"
              readOnly
              value={invite.url}
              onFocus={(event) => event.currentTarget.select()}
              aria-describedby="invite-link-expiry"
              className="block w-full min-w-0 rounded-md border-0 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-600"
            />
            <Button variant="secondary" onClick={onCopy} disabled={!hydrated}>
              {copyState === "copied" ? "Copied" : "Copy"}
            </Button>
          </div>
          <p id="invite-link-expiry" className="text-sm text-slate-600">
            Expires <LocalTime ms={new Date(invite.expiresAt).getTime()} /> (single use). This link is shown only once.
          </p>
          <p aria-live="polite" className="text-sm text-slate-600">
            {copyState === "copied"
              ? "Link copied to the clipboard."
              : copyState === "manual"
                ? "Copying is not available here: the link is selected, press Ctrl+C (or ⌘C) to copy it."
                : ""}
          </p>
        </div>
      ) : null}
    </section>
  );
}
