import Link from "next/link";
import { StatusBadge } from "@/components/connections/status-badge";
import { LocalTime } from "@/components/ui/local-time";
import type { TimeStyle } from "@/lib/time";
import type { ConnectionsTableRow } from "./connections-table";

/**
 * The facts of one connection after its athlete, in the order the table's columns and a phone card's lines show
 * them: one list, so the two layouts cannot drift apart (a new column is one line here).
 */
/** A time (milliseconds since the epoch) in the viewer's zone, or the words that stand for its absence. */
const when = (value: number | string, style: TimeStyle) => (typeof value === "number" ? <LocalTime ms={value} style={style} /> : value);

export const CONNECTION_COLUMNS: { label: string; cell: (row: ConnectionsTableRow) => React.ReactNode; className?: string }[] = [
  { label: "Service", cell: (r) => r.serviceName, className: "text-slate-800" },
  { label: "Status", cell: (r) => <StatusBadge status={r.status} /> },
  { label: "Linked", cell: (r) => when(r.linked, "minute"), className: "text-slate-700" },
  { label: "Access token expires", cell: (r) => when(r.expires, "dayMinute"), className: "text-slate-700" },
  { label: "Last verified", cell: (r) => when(r.verified, "dayMinute"), className: "text-slate-700" },
];

/** The athlete's name, linking to their user page, as the table's row header and a card's heading show it. */
export function AthleteLink({ row }: { row: Pick<ConnectionsTableRow, "athleteId" | "athleteName"> }) {
  return (
    <Link href={`/admin/users/${row.athleteId}`} prefetch={false} className="table-link">
      {row.athleteName}
    </Link>
  );
}

/** A connection's accessible name (the table row's and the phone card's): "Ana Athlete TrainerDay". */
export function connectionLabel(row: Pick<ConnectionsTableRow, "athleteName" | "serviceName">): string {
  return `${row.athleteName} ${row.serviceName}`;
}
