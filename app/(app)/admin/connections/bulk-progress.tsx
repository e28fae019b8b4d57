"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { BulkRevokeProgress } from "./use-bulk-revoke";

const fmt = (n: number) => n.toLocaleString("en-US");

/** The summary sentence of a finished run. */
function summary(p: BulkRevokeProgress): string {
  const parts = [`${fmt(p.revoked)} of ${fmt(p.confirmed)} revoked`];
  if (p.refused) parts.push(`${fmt(p.refused)} of them refused by the service (ended here; remove TrainLink at the service too)`);
  if (p.pending) parts.push(`${fmt(p.pending)} pending (the service could not be reached; retried automatically)`);
  if (p.failed) parts.push(`${fmt(p.failed)} failed`);
  const unmatched = p.ending?.kind === "done" ? p.confirmed - p.processed : 0;
  if (unmatched > 0) parts.push(`${fmt(unmatched)} no longer matched the filters or were revoked by someone else meanwhile`);
  return `${parts.join(", ")}.`;
}

/**
 * A bulk revoke's progress: a progress bar (role="progressbar", attempts of the confirmed count), "12 of 37 revoked"
 * in a live region, refused, pending and failed counts, a Stop button while running, then the summary and the pending or
 * failed connections with their reasons.
 */
export function BulkProgress({ progress: p, onStop, onDismiss }: { progress: BulkRevokeProgress; onStop: () => void; onDismiss: () => void }) {
  const running = p.phase === "running";
  const percent = p.confirmed ? Math.round((p.processed / p.confirmed) * 100) : 0;
  return (
    <div className="space-y-3 border-t border-slate-100 pt-3">
      <div
        role="progressbar"
        aria-label="Bulk revoke progress"
        aria-valuemin={0}
        aria-valuemax={p.confirmed}
        aria-valuenow={p.processed}
        aria-valuetext={`${fmt(p.processed)} of ${fmt(p.confirmed)} connections done`}
        className="h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div className="h-full bg-red-600 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <p aria-live="polite" className="mr-auto text-sm text-slate-700">
          <span className="font-semibold text-slate-900">
            {fmt(p.revoked)} of {fmt(p.confirmed)} revoked
          </span>
          {p.refused ? ` · ${fmt(p.refused)} refused by the service` : ""}
          {p.pending ? ` · ${fmt(p.pending)} pending` : ""}
          {p.failed ? ` · ${fmt(p.failed)} failed` : ""}
          {p.waiting ? " · waiting for another bulk revoke to finish its batch…" : ""}
          {p.stopping ? " · stopping after this batch…" : ""}
        </p>
        {running ? (
          <Button variant="secondary" disabled={p.stopping} onClick={onStop}>
            Stop
          </Button>
        ) : (
          <Button variant="secondary" onClick={onDismiss}>
            Dismiss
          </Button>
        )}
      </div>
      {p.ending?.kind === "error" ? <Alert tone="error">{p.ending.message} The connections revoked so far stay revoked.</Alert> : null}
      {p.ending?.kind === "done" ? <Alert tone="success">Done: {summary(p)}</Alert> : null}
      {p.ending?.kind === "stopped" ? <Alert tone="info">Stopped: {summary(p)} The rest were not touched.</Alert> : null}
      {p.problems.length > 0 ? (
        <div>
          <h3 className="text-sm font-semibold text-slate-900">Refused, pending and failed</h3>
          <ul className="mt-1 space-y-1 text-sm text-slate-700">
            {p.problems.map((item) => (
              <li key={item.id}>
                <span className="font-medium">
                  {item.athleteName}, {item.serviceName} ({item.outcome}):
                </span>{" "}
                {item.reason}
              </li>
            ))}
          </ul>
          {p.refused + p.pending + p.failed > p.problems.length ? (
            <p className="mt-1 text-sm text-slate-600">
              And {fmt(p.refused + p.pending + p.failed - p.problems.length)} more; the audit log lists every connection.
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
