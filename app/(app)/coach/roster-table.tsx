"use client";

import Link from "next/link";
import { useState } from "react";
import { StatusBadge } from "@/components/connections/status-badge";
import { RequestMarker, type OpenRequestStatus } from "@/components/reconnect-requests/request-marker";
import type { ConnectionStatus } from "@/lib/connections/status";
import { rosterCellSummary } from "@/lib/messages/connections";
import { formatInZone } from "@/lib/time";

/** One athlete of the matrix as the table draws it: one cell per service, in the order of `services`. */
export interface RosterTableRow {
  id: string;
  name: string;
  email: string;
  /**
   * `refreshedAt`: the last successful refresh; `verifiedAt`: when the connection last proved to work (linked,
   * refreshed, or verified by request); milliseconds since the epoch, null when none. `request`: the status of an
   * open reconnect request for this connection (the cell's marker); null when none is open.
   */
  cells: { status: ConnectionStatus; refreshedAt: number | null; verifiedAt: number | null; request?: OpenRequestStatus | null }[];
}

/**
 * "Last refreshed 21 Nov 2026, 22:52 CET · Last verified …" in the viewer's time zone (the tooltip only exists after
 * hydration, so the browser's zone is known), with "Never refreshed" and "Never verified" for null; milliseconds since the epoch.
 */
function tooltipText(refreshedAt: number | null, verifiedAt: number | null): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  return rosterCellSummary(refreshedAt, verifiedAt, (ms) => formatInZone(ms, zone, "minute"));
}

/**
 * The roster matrix. A client component on purpose: the server sends the rows as data (about 10 KB for 50
 * athletes) and this renders them once, instead of the server rendering every cell, serialising it into the RSC
 * payload and the HTML rendering it again. The last-refresh and last-verified tooltip exists only for the cell under the pointer
 * or keyboard focus (as Radix's tooltips do: described-by while open, Escape closes), not 200 hidden copies.
 * Links do not prefetch: 50 athlete pages per roster view would be 50 requests.
 */
export function RosterTable({ services, rows, caption }: { services: { id: string; name: string }[]; rows: RosterTableRow[]; caption: string }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <table className="data-table min-w-full divide-y divide-slate-200 text-sm">
      <caption className="px-4 pt-3 text-left text-xs text-slate-500">{caption}</caption>
      <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
        <tr>
          <th scope="col">Athlete</th>
          {services.map((s) => (
            <th scope="col" key={s.id}>
              {s.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((athlete, rowIndex) => (
          <tr key={athlete.id}>
            <th scope="row">
              <Link href={`/coach/athletes/${athlete.id}`} prefetch={false} className="table-link">
                {athlete.name}
              </Link>
              <span className="cell-note">{athlete.email}</span>
            </th>
            {athlete.cells.map((cell, i) => {
              const tipId = `tip-${rowIndex}-${i}`;
              const shown = open === tipId;
              const show = () => setOpen(tipId);
              const hide = () => setOpen((current) => (current === tipId ? null : current));
              return (
                <td key={services[i]?.id ?? i}>
                  <span
                    tabIndex={0}
                    className="roster-cell"
                    aria-describedby={shown ? tipId : undefined}
                    onMouseEnter={show}
                    onMouseLeave={hide}
                    onFocus={show}
                    onBlur={hide}
                    onKeyDown={(event) => (event.key === "Escape" ? hide() : undefined)}
                  >
                    <StatusBadge status={cell.status} />
                    {shown ? (
                      <span id={tipId} role="tooltip" className="roster-tip">
                        {tooltipText(cell.refreshedAt, cell.verifiedAt)}
                      </span>
                    ) : null}
                  </span>
                  {cell.request ? <RequestMarker status={cell.request} /> : null}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
