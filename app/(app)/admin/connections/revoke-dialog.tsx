"use client";

import { useActionState, useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent, DialogRoot } from "@/components/ui/dialog";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { REVOKE_REASON_MAX } from "@/lib/admin/revoke-reason";
import { revokeConnectionAction } from "../actions";

/** The connection a Revoke dialog is about. */
export interface RevokeTarget {
  id: string;
  athleteName: string;
  serviceName: string;
}

type RevokeResult = Awaited<ReturnType<typeof revokeConnectionAction>>;

/**
 * The admin's Revoke confirmation for one connection, asking for the reason the athlete will see on their card
 * (required, at most REVOKE_REASON_MAX characters). `onDone` receives a successful outcome (the dialog then
 * closes); an error stays in the dialog with the typed reason kept. `onClose`: Cancel, Escape or the overlay.
 */
export function RevokeDialog({
  target,
  onClose,
  onDone,
}: {
  target: RevokeTarget | null;
  onClose: () => void;
  onDone: (result: RevokeResult) => void;
}) {
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const [state, submit, pending] = useActionState(async (previous: RevokeResult | null, form: FormData) => {
    const result = await revokeConnectionAction(previous, form);
    if (!("error" in result)) {
      setReason("");
      onDone(result);
      return null;
    }
    return result;
  }, null);

  return (
    <DialogRoot open={target !== null} onOpenChange={(open) => (open || pending ? null : onClose())}>
      {target ? (
        <DialogContent
          title={`Revoke ${target.serviceName} for ${target.athleteName}?`}
          description={
            <p>
              TrainLink asks {target.serviceName} to revoke access and deletes the stored tokens. {target.athleteName} sees {target.serviceName} as
              not connected, with your reason, and you are recorded as the one who revoked it.
            </p>
          }
        >
          <form action={submit} className="w-full space-y-4">
            <input type="hidden" name="connectionId" value={target.id} />
            <div>
              <label htmlFor={reasonId} className={LABEL_CLASS}>
                Reason (shown to {target.athleteName})
              </label>
              <textarea
                id={reasonId}
                name="reason"
                required
                maxLength={REVOKE_REASON_MAX}
                rows={3}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                aria-describedby={`${reasonId}-hint`}
                className={FIELD_CLASS}
              />
              <p id={`${reasonId}-hint`} className="mt-1 text-xs text-slate-500">
                {reason.length} of {REVOKE_REASON_MAX} characters.
              </p>
            </div>
            {state && "error" in state ? <Alert tone="error">{state.error}</Alert> : null}
            <div className="flex justify-end gap-3">
              <DialogClose asChild>
                <Button variant="secondary" disabled={pending}>
                  Cancel
                </Button>
              </DialogClose>
              <Button type="submit" variant="danger" disabled={pending}>
                {pending ? "Revoking…" : "Revoke"}
              </Button>
            </div>
          </form>
        </DialogContent>
      ) : null}
    </DialogRoot>
  );
}
