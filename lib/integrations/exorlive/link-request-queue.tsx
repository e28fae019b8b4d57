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
import { approveExorLiveLinkRequestAction, declineExorLiveLinkRequestAction } from "@/lib/integrations/exorlive/actions";
import type { Outcome } from "@/lib/result";

/** One open request as the queue shows it (times in milliseconds since the epoch). */
export interface QueueRow {
  id: string;
  athleteName: string;
  athleteEmail: string;
  requestedByName: string | null;
  requestedByRole: "athlete" | "coach" | "admin" | null;
  exorliveUserId: string;
  note: string | null;
  createdAtMs: number;
}

function requester(row: QueueRow): string {
  if (!row.requestedByName) return "a deleted user";
  if (row.requestedByRole === "athlete") return `${row.requestedByName} (the athlete)`;
  if (row.requestedByRole === "coach") return `${row.requestedByName} (coach)`;
  return row.requestedByName;
}

/** One request with Approve (confirmed: shows what will be linked) and Decline (a reason, confirmed). */
function QueueItem({ row, onOutcome }: { row: QueueRow; onOutcome: (outcome: Outcome) => void }) {
  const hydrated = useHydrated();
  const [approving, setApproving] = useState(false);
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const [, approve, approvePending] = useActionState(async (previous: Outcome | null, form: FormData) => {
    const result = await approveExorLiveLinkRequestAction(previous, form);
    setApproving(false);
    onOutcome(result);
    return result;
  }, null);
  const [declineState, decline, declinePending] = useActionState(async (previous: Outcome | null, form: FormData) => {
    const result = await declineExorLiveLinkRequestAction(previous, form);
    // A missing reason keeps the dialog open with what was typed; any other answer closes it.
    if ("ok" in result || !/Write why|Keep the reason/.test(result.error)) {
      setDeclining(false);
      onOutcome(result);
    }
    return result;
  }, null);
  const reasonId = `decline-reason-${row.id}`;
  return (
    <li className="flex flex-wrap items-start justify-between gap-4 py-4">
      <div className="min-w-0 space-y-1 text-sm">
        <p className="font-medium text-slate-900">
          {row.athleteName} <span className="font-normal break-all text-slate-600">{row.athleteEmail}</span>
        </p>
        <p className="text-slate-700">
          ExorLive user <span className="font-mono">{row.exorliveUserId}</span> · asked by {requester(row)} on{" "}
          <LocalTime ms={row.createdAtMs} style="minute" />
        </p>
        {row.note ? <p className="break-words text-slate-700">Note: {row.note}</p> : null}
      </div>
      <div className="flex flex-wrap gap-2">
        <DialogRoot open={approving} onOpenChange={setApproving}>
          <DialogTrigger asChild>
            <Button disabled={approvePending || !hydrated}>
              {approvePending ? "Linking…" : "Approve"}
              <span className="sr-only"> the request for {row.athleteName}</span>
            </Button>
          </DialogTrigger>
          <DialogContent
            title="Approve and link ExorLive?"
            description={
              <p>
                Link ExorLive user <span className="font-mono">{row.exorliveUserId}</span> to {row.athleteName} ({row.athleteEmail})? TrainLink asks
                ExorLive for a token for that user, as the Link ExorLive form does.
              </p>
            }
          >
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <form action={approve}>
              <input type="hidden" name="requestId" value={row.id} />
              <Button type="submit" disabled={approvePending}>
                Approve and link
              </Button>
            </form>
          </DialogContent>
        </DialogRoot>
        <DialogRoot open={declining} onOpenChange={setDeclining}>
          <DialogTrigger asChild>
            <Button variant="secondary" disabled={declinePending || !hydrated}>
              Decline<span className="sr-only"> the request for {row.athleteName}</span>
            </Button>
          </DialogTrigger>
          <DialogContent
            title="Decline this request?"
            description={
              <p>
                {row.athleteName} ({row.athleteEmail}) asked to link ExorLive user <span className="font-mono">{row.exorliveUserId}</span>. They read
                your reason on their ExorLive card.
              </p>
            }
          >
            <form className="w-full space-y-4" onSubmit={submitKeepingInput(decline)}>
              <input type="hidden" name="requestId" value={row.id} />
              <div>
                <label htmlFor={reasonId} className={LABEL_CLASS}>
                  Reason
                </label>
                <textarea
                  id={reasonId}
                  name="reason"
                  rows={3}
                  required
                  maxLength={500}
                  value={reason}
                  onChange={(event) => setReason(event.target.value)}
                  className={FIELD_CLASS}
                />
              </div>
              {declineState && "error" in declineState && declining ? <Alert tone="error">{declineState.error}</Alert> : null}
              <div className="flex justify-end gap-3">
                <DialogClose asChild>
                  <Button variant="secondary">Cancel</Button>
                </DialogClose>
                <Button type="submit" variant="danger" disabled={declinePending}>
                  {declinePending ? "Declining…" : "Decline request"}
                </Button>
              </div>
            </form>
          </DialogContent>
        </DialogRoot>
      </div>
    </li>
  );
}

/**
 * The admin's queue of ExorLive link requests (oldest first): athlete, who asked and when, the ExorLive user ID
 * and the note, with Approve and Decline. The outcome of the last decision stays above the list after the row
 * has gone.
 */
export function ExorLiveRequestQueue({ rows, limit }: { rows: QueueRow[]; limit: number }) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  return (
    <div className="space-y-3">
      <ActionOutcome state={outcome} />
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600">No open requests. Athletes and coaches ask from the ExorLive card; their requests wait here.</p>
      ) : (
        <ul aria-label="Open ExorLive link requests" className="divide-y divide-slate-100">
          {rows.map((row) => (
            <QueueItem key={row.id} row={row} onOutcome={setOutcome} />
          ))}
        </ul>
      )}
      {rows.length >= limit ? <p className="text-xs text-slate-500">The oldest {limit} open requests.</p> : null}
    </div>
  );
}
