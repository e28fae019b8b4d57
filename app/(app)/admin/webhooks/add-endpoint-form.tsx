"use client";

import { useActionState, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent, DialogRoot } from "@/components/ui/dialog";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { useHydrated } from "@/components/ui/use-hydrated";
import { WEBHOOK_EVENT_MEANINGS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";
import { createEndpointAction } from "./actions";

type State = { ok: string; secret: string; endpointId: string } | { error: string } | null;

/** The "Add endpoint" form; on success the signing secret is shown once in a dialog with a Copy button. */
export function AddEndpointForm() {
  const [secretOpen, setSecretOpen] = useState(false);
  const [copied, setCopied] = useState(false);
  const [state, action, pending] = useActionState(async (previous: State, form: FormData): Promise<State> => {
    const result = await createEndpointAction(previous, form);
    if ("secret" in result) {
      setCopied(false);
      setSecretOpen(true);
    }
    return result;
  }, null);
  const hydrated = useHydrated();
  const secret = state && "secret" in state ? state.secret : null;
  return (
    <>
      <form action={action} className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor="webhook-url" className={LABEL_CLASS}>
              Endpoint URL
            </label>
            <input
              id="webhook-url"
              name="url"
              type="url"
              required
              maxLength={2000}
              placeholder="https://example.com/webhooks/trainlink"
              className={FIELD_CLASS}
            />
          </div>
          <div>
            <label htmlFor="webhook-description" className={LABEL_CLASS}>
              Description (optional)
            </label>
            <input
              id="webhook-description"
              name="description"
              maxLength={200}
              placeholder="e.g. Training planner, production"
              className={FIELD_CLASS}
            />
          </div>
        </div>
        <fieldset>
          <legend className={LABEL_CLASS}>Events to receive</legend>
          <ul className="mt-2 grid gap-2 sm:grid-cols-2">
            {WEBHOOK_EVENT_TYPES.map((type) => (
              <li key={type} className="flex items-start gap-2">
                <input
                  id={`event-${type}`}
                  name={`event:${type}`}
                  type="checkbox"
                  defaultChecked
                  aria-describedby={`event-${type}-meaning`}
                  className="mt-1 size-4 rounded border-slate-300"
                />
                <label htmlFor={`event-${type}`} className="text-sm">
                  <code className="font-medium text-slate-900">{type}</code>
                  <span id={`event-${type}-meaning`} className="block text-slate-600">
                    {WEBHOOK_EVENT_MEANINGS[type]}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <Button type="submit" disabled={pending || !hydrated}>
          {pending ? "Adding…" : "Add endpoint"}
        </Button>
        {state && "error" in state ? <ActionOutcome state={state} /> : null}
        {state && "ok" in state && !secretOpen ? <ActionOutcome state={{ ok: `${state.ok} Its signing secret is no longer shown.` }} /> : null}
      </form>
      <DialogRoot open={secretOpen} onOpenChange={setSecretOpen}>
        {secret ? (
          <DialogContent
            title="Copy the signing secret now"
            description={
              <div className="space-y-3">
                <p>
                  The receiver verifies every webhook with this secret. It is shown <strong>only this once</strong>: TrainLink keeps it encrypted and
                  cannot show it again (delete the endpoint and add it again to get a new one).
                </p>
                <label htmlFor="webhook-secret" className={LABEL_CLASS}>
                  Signing secret
                </label>
                <input
                  id="webhook-secret"
                  readOnly
                  value={secret}
                  className={`${FIELD_CLASS} font-mono text-xs`}
                  onFocus={(e) => e.currentTarget.select()}
                />
                <p role="status" className="text-sm text-emerald-800">
                  {copied ? "Copied to the clipboard." : ""}
                </p>
              </div>
            }
          >
            <Button
              variant="secondary"
              onClick={() => {
                void navigator.clipboard.writeText(secret).then(() => setCopied(true));
              }}
            >
              Copy
            </Button>
            <DialogClose asChild>
              <Button>Done</Button>
            </DialogClose>
          </DialogContent>
        ) : null}
      </DialogRoot>
    </>
  );
}
