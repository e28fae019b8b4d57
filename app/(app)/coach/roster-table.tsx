"use client";

import Link from "next/link";
import { useState, type Dispatch, type SetStateAction } from "react";
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

type Cell = RosterTableRow["cells"][number];

/**
 * One roster cell as both layouts draw it: the status badge (keyboard focus or the pointer shows the last refresh
 * and verification in a tooltip; Escape hides it), then the open reconnect request's marker. The roster's words
 * live here and in `tooltipText` only, so the phone cards and the table never say different things.
 */
function RosterCell({
  cell,
  tipId,
  shown,
  setOpen,
}: {
  cell: Cell;
  tipId: string;
  shown: boolean;
  setOpen: Dispatch<SetStateAction<string | null>>;
}) {
  const show = () => setOpen(tipId);
  const hide = () => setOpen((current) => (current === tipId ? null : current));
  return (
    <>
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
    </>
  );
}

/** The athlete's name as a link to their page. */
function AthleteLink({ athlete }: { athlete: Pick<RosterTableRow, "id" | "name"> }) {
  return (
    <Link href={`/coach/athletes/${athlete.id}`} prefetch={false} className="table-link">
      {athlete.name}
    </Link>
  );
}

/**
 * The roster in two layouts from the same rows and the same cell component: below Tailwind's `md` (768 px) one
 * card per athlete (the name as a heading, then each service with its status), from `md` on the matrix table.
 * CSS hides the other one (`md:hidden`, `hidden md:block`), so no script decides the layout and the server's
 * HTML is right at once. A client component on purpose: the server sends the rows as data (about 10 KB for 50
 * athletes) and this renders them, instead of the server rendering every cell, serialising it into the RSC
 * payload and the HTML rendering it again. The last-refresh and last-verified tooltip exists only for the cell
 * under the pointer or keyboard focus (as Radix's tooltips do: described-by while open, Escape closes), not 200
 * hidden copies. Links do not prefetch: 50 athlete pages per roster view would be 50 requests.
 */
export function RosterTable({ services, rows, caption }: { services: { id: string; name: string }[]; rows: RosterTableRow[]; caption: string }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <section aria-labelledby="roster-cards-heading" className="md:hidden">
        <h2 id="roster-cards-heading" className="sr-only">
          Athletes
        </h2>
        <ul className="space-y-3">
          {rows.map((athlete, rowIndex) => (
            <li key={athlete.id} className="phone-card">
              <h3 className="text-base">
                <AthleteLink athlete={athlete} />
              </h3>
              <p className="cell-note break-words">{athlete.email}</p>
              <dl className="mt-2 divide-y divide-slate-100">
                {athlete.cells.map((cell, i) => {
                  const tipId = `card-tip-${rowIndex}-${i}`;
                  return (
                    <div key={services[i]?.id ?? i} className="phone-card-row">
                      <dt>{services[i]?.name}</dt>
                      <dd>
                        <RosterCell cell={cell} tipId={tipId} shown={open === tipId} setOpen={setOpen} />
                      </dd>
                    </div>
                  );
                })}
              </dl>
            </li>
          ))}
        </ul>
      </section>
      <div className="relative hidden overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200 md:block">
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
                  <AthleteLink athlete={athlete} />
                  <span className="cell-note">{athlete.email}</span>
                </th>
                {athlete.cells.map((cell, i) => {
                  const tipId = `tip-${rowIndex}-${i}`;
                  return (
                    <td key={services[i]?.id ?? i}>
                      <RosterCell cell={cell} tipId={tipId} shown={open === tipId} setOpen={setOpen} />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
