"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent, DialogRoot } from "@/components/ui/dialog";
import { useHydrated } from "@/components/ui/use-hydrated";
import { BulkProgress } from "./bulk-progress";
import { useBulkRevoke, type BulkFilterFields } from "./use-bulk-revoke";

/** What the page tells the bulk bar: the filters, the counts, and the selection in words. */
export interface BulkBarProps {
  filter: BulkFilterFields;
  /** How many connections match, for people: "37", or "10,000+" past countUpTo's cap. */
  matchingLabel: string;
  /** How many of them a bulk revoke would act on now (at most 10,000: one run's cap). */
  revocable: number;
  /** True when more than `revocable` revocable connections match (the count stopped at its cap). */
  revocableMore: boolean;
  /** The revocable selection in words: "37 TrainerDay connections with status Needs reconnect". */
  revocableWords: string;
  /** How many matching connections no longer hold access: disconnected or revoked by their service (0 when none or unknown). */
  gone: number;
}

/**
 * The bar under the connections filters: how many match, "Revoke all N…" (a confirmation dialog stating the count
 * and the filters in words, then batches with a progress bar, Stop and a summary), and "Export N as CSV" (a POST
 * form to /admin/connections/export with the same filters, answered with a download).
 */
export function BulkBar({ filter, matchingLabel, revocable, revocableMore, revocableWords, gone }: BulkBarProps) {
  const [confirming, setConfirming] = useState(false);
  const { progress, start, stop, reset } = useBulkRevoke(filter);
  const hydrated = useHydrated();
  const running = progress.phase === "running";
  const n = revocable.toLocaleString("en-US");
  // Nothing selected: the list says so; the bar stays while a run's summary is shown.
  if (matchingLabel === "0" && progress.phase === "idle") return null;

  return (
    <section aria-labelledby="bulk-heading" className="space-y-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <h2 id="bulk-heading" className="sr-only">
        Bulk actions
      </h2>
      <div className="flex flex-wrap items-center gap-3">
        <p className="mr-auto text-sm text-slate-700">
          <span className="font-semibold text-slate-900">{matchingLabel}</span> {matchingLabel === "1" ? "connection matches" : "connections match"}
          {gone > 0 ? (
            <span className="block text-slate-600">
              {gone.toLocaleString("en-US")} of them no longer {gone === 1 ? "holds" : "hold"} access (disconnected, or revoked by their service) and{" "}
              {gone === 1 ? "is" : "are"} left out of Revoke.
            </span>
          ) : null}
          {revocableMore ? <span className="block text-slate-600">One run revokes at most {n}; run it again for the rest.</span> : null}
        </p>
        <Button variant="danger" disabled={!hydrated || running || revocable === 0} onClick={() => setConfirming(true)}>
          {revocable === 0 ? "Nothing to revoke" : revocableMore ? `Revoke ${n}…` : `Revoke all ${n}…`}
        </Button>
        <form method="post" action="/admin/connections/export">
          {Object.entries(filter).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
          <Button type="submit" variant="secondary" disabled={matchingLabel === "0"}>
            Export {matchingLabel} as CSV
          </Button>
        </form>
      </div>
      {progress.phase !== "idle" ? <BulkProgress progress={progress} onStop={stop} onDismiss={reset} /> : null}
      <DialogRoot open={confirming} onOpenChange={setConfirming}>
        {confirming ? (
          <DialogContent
            title={`Revoke ${revocableWords}?`}
            description={
              <div className="space-y-2">
                <p>Each athlete loses the link and must connect again.</p>
                <p>
                  TrainLink asks each service to revoke access and deletes the stored tokens, {n} at most, in batches you can stop. Every connection
                  is recorded in the audit log with you as the one who revoked it.
                </p>
                {gone > 0 ? (
                  <p>
                    The {gone.toLocaleString("en-US")} matching connections that no longer hold access (disconnected, or revoked by their service) are
                    left out.
                  </p>
                ) : null}
              </div>
            }
          >
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button
              variant="danger"
              onClick={() => {
                setConfirming(false);
                start(revocable);
              }}
            >
              Revoke {n} {revocable === 1 ? "connection" : "connections"}
            </Button>
          </DialogContent>
        ) : null}
      </DialogRoot>
    </section>
  );
}
