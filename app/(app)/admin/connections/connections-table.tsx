"use client";

import Link from "next/link";
import { useState, type ComponentProps } from "react";
import { StatusBadge } from "@/components/connections/status-badge";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { ConnectionStatus } from "@/lib/connections/status";
import { RevokeDialog } from "./revoke-dialog";

/** One connection as the table draws it; times already formatted (UTC) by the page. */
export interface ConnectionsTableRow {
  id: string;
  athleteId: string;
  athleteName: string;
  athleteEmail: string;
  serviceName: string;
  status: ConnectionStatus;
  linked: string;
  expires: string;
  verified: string;
  revocable: boolean;
}

/**
 * The admin's connections table with one Revoke confirmation dialog for all rows. The server sends the rows as
 * data; one dialog instead of one per row keeps the page about half the size and render time (README,
 * Performance). The outcome of the last revocation shows above the table.
 */
export function ConnectionsTable({ rows, caption }: { rows: ConnectionsTableRow[]; caption: string }) {
  const [target, setTarget] = useState<ConnectionsTableRow | null>(null);
  const [outcome, setOutcome] = useState<ComponentProps<typeof ActionOutcome>["state"]>(null);
  const hydrated = useHydrated();

  return (
    <div className="space-y-3">
      <ActionOutcome state={outcome} />
      <div className="relative overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <table className="data-table min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <tr>
              <th scope="col">Athlete</th>
              <th scope="col">Service</th>
              <th scope="col">Status</th>
              <th scope="col">Linked</th>
              <th scope="col">Access token expires</th>
              <th scope="col">Last verified</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="text-center text-slate-600">
                  No connection matches these filters.
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.id} aria-label={`${r.athleteName} ${r.serviceName}`}>
                  <th scope="row">
                    <Link href={`/admin/users/${r.athleteId}`} prefetch={false} className="table-link">
                      {r.athleteName}
                    </Link>
                    <span className="cell-note">{r.athleteEmail}</span>
                  </th>
                  <td className="text-slate-800">{r.serviceName}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td className="text-slate-700">{r.linked}</td>
                  <td className="text-slate-700">{r.expires}</td>
                  <td className="text-slate-700">{r.verified}</td>
                  <td className="text-right">
                    {r.revocable ? (
                      <Button variant="secondary" disabled={!hydrated} onClick={() => setTarget(r)}>
                        Revoke
                      </Button>
                    ) : null}
                  </td>
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
