import { CONNECTION_COLUMNS, AthleteLink, connectionLabel } from "./connection-columns";
import type { ConnectionsTableRow } from "./connections-table";

/**
 * The connections list on a phone (below Tailwind's `md`, 768 px; CSS hides it from there on, where the table
 * shows): one card per connection, the athlete as its heading and Revoke beside it, so the action is on screen
 * without scrolling sideways; then the same facts as the table's columns. `revokeButton` draws the row's Revoke
 * button (the table's own, so both open the one confirmation dialog).
 */
export function ConnectionCards({
  rows,
  caption,
  revokeButton,
}: {
  rows: ConnectionsTableRow[];
  caption: string;
  revokeButton: (row: ConnectionsTableRow) => React.ReactNode;
}) {
  return (
    <section aria-labelledby="connection-cards-heading" className="md:hidden">
      <h2 id="connection-cards-heading" className="sr-only">
        {caption}
      </h2>
      {rows.length === 0 ? (
        <p className="phone-card text-center text-sm text-slate-600">No connection matches these filters.</p>
      ) : (
        <ul className="space-y-3">
          {rows.map((r) => (
            <li key={r.id}>
              <article aria-label={connectionLabel(r)} className="phone-card">
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0">
                    <h3 className="text-base">
                      <AthleteLink row={r} />
                    </h3>
                    <p className="cell-note break-words">{r.athleteEmail}</p>
                  </div>
                  {r.revocable ? <div className="shrink-0">{revokeButton(r)}</div> : null}
                </div>
                <dl className="mt-2 divide-y divide-slate-100">
                  {CONNECTION_COLUMNS.map((column) => (
                    <div key={column.label} className="phone-card-row">
                      <dt>{column.label}</dt>
                      <dd className={column.className}>{column.cell(r)}</dd>
                    </div>
                  ))}
                </dl>
              </article>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
