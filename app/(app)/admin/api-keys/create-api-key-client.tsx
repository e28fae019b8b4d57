"use client";

import { useActionState, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent, DialogRoot } from "@/components/ui/dialog";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { useHydrated } from "@/components/ui/use-hydrated";
import { API_KEY_SCOPES } from "@/db/enums";
import { API_KEY_SCOPE_MEANINGS } from "@/lib/api-keys/scope-meanings";
import { createApiKeyAction } from "./actions";

type Shown = { name: string; plaintext: string };

/**
 * The "Create API key" form and, after a creation, a dialog that shows the new key once with a Copy button. The key
 * lives only in this component's state while the dialog is open: the action's outcome kept for the form has no key.
 */
export function CreateApiKeyForm() {
  const [shown, setShown] = useState<Shown | null>(null);
  const [state, submit, pending] = useActionState(async (_previous: { ok: string } | { error: string } | null, form: FormData) => {
    const result = await createApiKeyAction(null, form); // the action ignores its previous state
    if ("error" in result) return result;
    setShown({ name: result.name, plaintext: result.plaintext });
    return { ok: result.ok };
  }, null);
  const hydrated = useHydrated();
  return (
    <>
      <form action={submit} className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor="key-name" className={LABEL_CLASS}>
              Name
            </label>
            <input id="key-name" name="name" required maxLength={100} placeholder="e.g. Club planner" className={FIELD_CLASS} />
          </div>
          <div>
            <label htmlFor="key-expires" className={LABEL_CLASS}>
              Expires on (optional)
            </label>
            <input id="key-expires" name="expires" type="date" aria-describedby="key-expires-hint" className={FIELD_CLASS} />
            <p id="key-expires-hint" className="mt-1 text-xs text-slate-500">
              The key stops working at the end of that day (UTC). Leave it empty for a key that works until it is revoked.
            </p>
          </div>
        </div>
        <fieldset>
          <legend className={LABEL_CLASS}>Scopes: what the key may do</legend>
          <div className="mt-2 space-y-2">
            {API_KEY_SCOPES.map((scope) => (
              <label key={scope} className="flex items-start gap-2 text-sm text-slate-800">
                <input type="checkbox" name={`scope.${scope}`} className="mt-0.5 size-4 rounded border-slate-300" />
                <span>
                  <code className="font-mono text-slate-900">{scope}</code>
                  <span className="text-slate-600"> — {API_KEY_SCOPE_MEANINGS[scope]}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <Button type="submit" disabled={pending || !hydrated}>
          {pending ? "Creating…" : "Create API key"}
        </Button>
        <ActionOutcome state={state} />
      </form>
      <DialogRoot open={shown !== null} onOpenChange={(open) => (open ? null : setShown(null))}>
        {shown ? <ShownKey shown={shown} /> : null}
      </DialogRoot>
    </>
  );
}

/** The one-time display of a new key, with Copy (the Clipboard API; where it is blocked, the key is selectable). */
function ShownKey({ shown }: { shown: Shown }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const copyKey = () => {
    if (!navigator.clipboard) return setCopy("failed");
    navigator.clipboard.writeText(shown.plaintext).then(
      () => setCopy("copied"),
      () => setCopy("failed"),
    );
  };
  return (
    <DialogContent
      title="Copy your new API key"
      description={
        <div className="space-y-3">
          <p>
            This is the key for “{shown.name}”. Store it in the integration&apos;s secret settings now.{" "}
            <strong className="font-semibold text-slate-900">You will not see this key again.</strong>
          </p>
          <code className="block rounded-md bg-slate-100 p-3 font-mono text-xs break-all text-slate-900 select-all">{shown.plaintext}</code>
          <p aria-live="polite" className="min-h-5">
            {copy === "copied" ? "Copied to the clipboard." : copy === "failed" ? "Copying is blocked here: select the key and copy it by hand." : ""}
          </p>
        </div>
      }
    >
      <Button variant="secondary" onClick={copyKey}>
        Copy key
      </Button>
      <DialogClose asChild>
        <Button>Done</Button>
      </DialogClose>
    </DialogContent>
  );
}
