"use client";

import { useState, type ComponentProps } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { ConnectionStatus } from "@/lib/connections/status";
import { ConnectionCards } from "./connection-cards";
import { AthleteLink, CONNECTION_COLUMNS, connectionLabel } from "./connection-columns";
import { RevokeDialog } from "./revoke-dialog";

/**
 * One connection as the table draws it. `linked`, `expires`, `verified`: milliseconds since the epoch (shown in the
 * viewer's time zone, UTC on hover) or the words to show instead ("Never", "Does not expire", "—").
 */
export interface ConnectionsTableRow {
  id: string;
  athleteId: string;
  athleteName: string;
  athleteEmail: string;
  serviceName: string;
  status: ConnectionStatus;
  linked: number | string;
  expires: number | string;
  verified: number | string;
  revocable: boolean;
}

/**
 * The admin's connections table with one Revoke confirmation dialog for all rows. The server sends the rows as
 * data; one dialog instead of one per row keeps the page about half the size and render time (README,
 * Performance). The outcome of the last revocation shows above the table. Below `md` (768 px) the rows show as
 * cards instead (connection-cards.tsx; CSS picks the layout, no script), with Revoke beside the athlete's name.
 */
export function ConnectionsTable({ rows, caption }: { rows: ConnectionsTableRow[]; caption: string }) {
  const [target, setTarget] = useState<ConnectionsTableRow | null>(null);
  const [outcome, setOutcome] = useState<ComponentProps<typeof ActionOutcome>["state"]>(null);
  const hydrated = useHydrated();
  const revokeButton = (r: ConnectionsTableRow) => (
    <Button variant="secondary" disabled={!hydrated} onClick={() => setTarget(r)}>
      Revoke
    </Button>
  );

  return (
    <div className="space-y-3">
      <ActionOutcome state={outcome} />
      <ConnectionCards rows={rows} caption={caption} revokeButton={revokeButton} />
      <div className="relative hidden overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200 md:block">
        <table className="data-table min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <tr>
              <th scope="col">Athlete</th>
              {CONNECTION_COLUMNS.map((column) => (
                <th scope="col" key={column.label}>
                  {column.label}
                </th>
              ))}
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.length === 0 ? (
              <tr>
                <td colSpan={CONNECTION_COLUMNS.length + 2} className="text-center text-slate-600">
                  No connection matches these filters.
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.id} aria-label={connectionLabel(r)}>
                  <th scope="row">
                    <AthleteLink row={r} />
                    <span className="cell-note">{r.athleteEmail}</span>
                  </th>
                  {CONNECTION_COLUMNS.map((column) => (
                    <td key={column.label} className={column.className}>
                      {column.cell(r)}
                    </td>
                  ))}
                  <td className="text-right">{r.revocable ? revokeButton(r) : null}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <RevokeDialog
        target={target}
        onClose={() => setTarget(null)}
        onDone={(result) => {
          setOutcome(result);
          setTarget(null);
        }}
      />
    </div>
  );
}
