import "server-only";
import type { SessionUser } from "@/lib/auth/users";
import { STATUS_LABELS } from "@/lib/connections/status";
import { toCsv } from "@/lib/csv";
import { formatUtc } from "@/lib/time";
import { listRosterForExport } from "./list";
import type { RosterFilters } from "./query";

/** The CSV header of the roster export: Name, Email, then per service its status and last refresh. */
export function rosterCsvHeader(services: readonly { name: string }[]): string[] {
  return ["Name", "Email", ...services.flatMap((s) => [`${s.name} status`, `${s.name} last refreshed (UTC)`])];
}

/**
 * The roster export as CSV text (lib/csv toCsv: every field quoted, formula-guarded, CRLF records, no BOM):
 * the header of rosterCsvHeader, then one record per row of listRosterForExport (same filters and order as
 * the page, no pagination) with, per service, the status label (STATUS_LABELS) and the last refresh
 * ("yyyy-MM-dd HH:mm:ss", UTC; empty when never). Statuses at `nowMs` (milliseconds since the epoch). Never a
 * token. Throws ForbiddenError unless `coach` holds roster.read.
 */
export async function rosterCsv(coach: SessionUser, filters: RosterFilters = {}, nowMs = Date.now()): Promise<string> {
  const { services, rows } = await listRosterForExport(coach, filters, nowMs);
  return toCsv([
    rosterCsvHeader(services),
    ...rows.map((row) => [
      row.name,
      row.email,
      ...services.flatMap((s) => {
        const cell = row.cells[s.id];
        return [STATUS_LABELS[cell.status], cell.lastRefreshedAt ? formatUtc(cell.lastRefreshedAt, "yyyy-MM-dd HH:mm:ss") : ""];
      }),
    ]),
  ]);
}
