"use client";

import { useActionState, useState } from "react";
import { ActionOutcome } from "./action-outcome";
import { Button, type ButtonVariant } from "./button";
import { DialogClose, DialogContent, DialogRoot, DialogTrigger } from "./dialog";
import { useHydrated } from "./use-hydrated";

type Result = { ok: string } | { error: string } | null;

/**
 * A button that asks for confirmation in a dialog, then submits `action` (a server action wrapped by
 * authedAction) with `fields` as hidden inputs, and shows the outcome under the button.
 */
export function ConfirmAction({
  label,
  title,
  description,
  confirmLabel,
  action,
  fields,
  variant = "secondary",
  confirmVariant = "danger",
  available = true,
}: {
  label: string;
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  action: (previous: Result, form: FormData) => Promise<{ ok: string } | { error: string }>;
  fields: Record<string, string>;
  variant?: ButtonVariant;
  /** The look of the dialog's confirm button: red by default (destructive actions); "primary" for a harmless one. */
  confirmVariant?: ButtonVariant;
  /** False hides the button but keeps the outcome of the last submission visible (the row changed state). */
  available?: boolean;
}) {
  const [open, setOpen] = useState(false);
  // The dialog closes when the answer arrives (inside the action, not in an effect: no extra render).
  const [state, submit, pending] = useActionState(async (previous: Result, form: FormData) => {
    const result = await action(previous, form);
    setOpen(false);
    return result;
  }, null);
  const hydrated = useHydrated();
  return (
    <div className="space-y-2">
      {available ? (
        <DialogRoot open={open} onOpenChange={setOpen}>
          <DialogTrigger asChild>
            <Button variant={variant} disabled={pending || !hydrated}>
              {pending ? `${label}…` : label}
            </Button>
          </DialogTrigger>
          <DialogContent title={title} description={<p>{description}</p>}>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <form action={submit}>
              {Object.entries(fields).map(([name, value]) => (
                <input key={name} type="hidden" name={name} value={value} />
              ))}
              <Button type="submit" variant={confirmVariant} disabled={pending}>
                {confirmLabel}
              </Button>
            </form>
          </DialogContent>
        </DialogRoot>
      ) : null}
      <ActionOutcome state={state} />
    </div>
  );
}
