"use client";

import { useActionState, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { submitKeepingInput } from "@/components/ui/keep-input";
import { DialogClose, DialogContent, DialogRoot, DialogTrigger } from "@/components/ui/dialog";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { LocalTime } from "@/components/ui/local-time";
import { useHydrated } from "@/components/ui/use-hydrated";
import { cancelExorLiveLinkRequestAction, requestExorLiveLinkAction } from "@/lib/integrations/exorlive/actions";
import type { ExorLiveRequestData } from "@/lib/integrations/exorlive/card-request";
import { EXORLIVE_USER_ID_HELP } from "@/lib/integrations/exorlive/user-id";

/**
 * ExorLive's card action for an athlete (or their coach, `perspective="coach"`): ExorLive links server to server,
 * so only an administrator can link it. Without an open request: "Ask an administrator to link ExorLive", a dialog
 * with the ExorLive user ID (and where to find it) and an optional note; typed values survive an error (the
 * form is never reset by the action). With an open request: "Request sent on <date>; an administrator will link
 * it" and Cancel request. A declined request shows the administrator's reason above the button.
 */
export function ExorLiveRequest({
  athleteId,
  request,
  perspective = "athlete",
}: {
  athleteId: string;
  request: ExorLiveRequestData | null;
  perspective?: "athlete" | "coach";
}) {
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  const [userId, setUserId] = useState("");
  const [note, setNote] = useState("");
  const [sendState, send, sending] = useActionState(async (previous: Parameters<typeof requestExorLiveLinkAction>[0], form: FormData) => {
    const result = await requestExorLiveLinkAction(previous, form);
    if ("ok" in result) {
      setOpen(false);
      setUserId("");
      setNote("");
    }
    return result;
  }, null);
  const [cancelState, cancel, cancelling] = useActionState(cancelExorLiveLinkRequestAction, null);
  const ids = { userId: `exorlive-user-id-${athleteId}`, help: `exorlive-user-id-help-${athleteId}`, note: `exorlive-note-${athleteId}` };

  if (request?.status === "open") {
    return (
      <div className="w-full space-y-2">
        <p role="note" className="rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900">
          Request sent on <LocalTime ms={request.createdAtMs} style="day" />
          {request.requestedByName && perspective === "coach" ? ` by ${request.requestedByName}` : ""}; an administrator will link it (ExorLive user{" "}
          <span className="font-mono">{request.exorliveUserId}</span>).
        </p>
        <form action={cancel}>
          <input type="hidden" name="requestId" value={request.id} />
          <Button type="submit" variant="secondary" disabled={cancelling || !hydrated}>
            {cancelling ? "Cancelling…" : "Cancel request"}
          </Button>
        </form>
        <ActionOutcome state={cancelState} />
      </div>
    );
  }

  return (
    <div className="w-full space-y-2">
      {request?.status === "declined" ? (
        <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          An administrator declined the request
          {request.decidedAtMs !== null ? (
            <>
              {" "}
              on <LocalTime ms={request.decidedAtMs} style="day" />
            </>
          ) : null}
          : {request.declineReason ?? "no reason given"}
          {/[.!?]$/.test(request.declineReason ?? "") ? " " : ". "}Check the ExorLive user ID and ask again.
        </p>
      ) : null}
      <DialogRoot open={open} onOpenChange={setOpen}>
        <DialogTrigger asChild>
          <Button disabled={!hydrated}>Ask an administrator to link ExorLive</Button>
        </DialogTrigger>
        <DialogContent
          title="Ask an administrator to link ExorLive"
          description={
            <p>
              ExorLive is linked by a TrainLink administrator from {perspective === "coach" ? "the athlete's" : "your"} ExorLive user ID. They get
              this request on their Services page.
            </p>
          }
        >
          <form className="w-full space-y-4" onSubmit={submitKeepingInput(send)}>
            <input type="hidden" name="athleteId" value={athleteId} />
            <div>
              <label htmlFor={ids.userId} className={LABEL_CLASS}>
                ExorLive user ID
              </label>
              <input
                id={ids.userId}
                name="exorliveUserId"
                inputMode="numeric"
                autoComplete="off"
                required
                maxLength={18}
                value={userId}
                onChange={(event) => setUserId(event.target.value)}
                aria-describedby={ids.help}
                className={FIELD_CLASS}
              />
              <p id={ids.help} className="mt-1 text-xs text-slate-600">
                {EXORLIVE_USER_ID_HELP}
              </p>
            </div>
            <div>
              <label htmlFor={ids.note} className={LABEL_CLASS}>
                Note for the administrator (optional)
              </label>
              <textarea
                id={ids.note}
                name="note"
                rows={3}
                maxLength={500}
                value={note}
                onChange={(event) => setNote(event.target.value)}
                className={FIELD_CLASS}
              />
            </div>
            {sendState && "error" in sendState ? <Alert tone="error">{sendState.error}</Alert> : null}
            <div className="flex justify-end gap-3">
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button type="submit" disabled={sending || !hydrated}>
                {sending ? "Sending…" : "Send request"}
              </Button>
            </div>
          </form>
        </DialogContent>
      </DialogRoot>
      {sendState && "ok" in sendState ? <ActionOutcome state={sendState} /> : null}
    </div>
  );
}
