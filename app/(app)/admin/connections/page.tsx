import type { Metadata } from "next";
import Link from "next/link";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { Pagination } from "@/components/ui/pagination";
import { SERVICE_IDS, type ServiceId } from "@/db/schema";
import { LISTABLE_STATUSES, listConnectionsPage, type ListableStatus } from "@/lib/admin/connections";
import { requireRole } from "@/lib/auth/session";
import { STATUS_LABELS, type ConnectionStatus } from "@/lib/connections/status";
import { formatUtc } from "@/lib/time";
import { ConnectionsTable } from "./connections-table";
import { ServiceFilter } from "@/components/connections/service-filter";
import { Button } from "@/components/ui/button";

export const metadata: Metadata = { title: "Connections" };

/** No tokens held: nothing expires and nothing to revoke. */
const GONE: ReadonlySet<ConnectionStatus> = new Set(["not_connected", "revoked_by_service"]);

const pick = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;

export default async function AdminConnectionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await requireRole("admin");
  const params = await searchParams;
  const service = pick<ServiceId>(params.service, SERVICE_IDS);
  const status = pick<ListableStatus>(params.status, LISTABLE_STATUSES);
  const athleteId = typeof params.athlete === "string" ? params.athlete.slice(0, 100) : undefined;
  const { rows, page, pageCount, total } = await listConnectionsPage(admin, { service, status, athleteId, page: Number(params.page) || 1 });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Connections</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every connection of every athlete. Revoke cuts access at once, through the same path as the athlete&apos;s Disconnect.
        </p>
      </div>
      <form method="get" className="flex flex-wrap items-end gap-3">
        {athleteId ? <input type="hidden" name="athlete" value={athleteId} /> : null}
        <ServiceFilter value={service} />
        <div>
          <label htmlFor="status" className={LABEL_CLASS}>
            Status
          </label>
          <select id="status" name="status" defaultValue={status ?? ""} className={FIELD_CLASS}>
            <option value="">All statuses</option>
            {LISTABLE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {athleteId || service || status ? (
          <Link href="/admin/connections" className="py-2 text-sm font-medium text-brand-700 hover:underline">
            Clear filters
          </Link>
        ) : null}
      </form>
      <ConnectionsTable
        caption={`Connections, ${total} matching`}
        rows={rows.map((r) => ({
          id: r.id,
          athleteId: r.athleteId,
          athleteName: r.athleteName,
          athleteEmail: r.athleteEmail,
          serviceName: r.serviceName,
          status: r.status,
          linked: r.linkedAt ? `${formatUtc(r.linkedAt, "d MMM yyyy, HH:mm")} UTC` : "—",
          expires: GONE.has(r.status) ? "—" : r.expiresAt ? `${formatUtc(new Date(r.expiresAt * 1000), "d MMM, HH:mm")} UTC` : "Does not expire",
          revocable: !GONE.has(r.status),
        }))}
      />
      <Pagination path="/admin/connections" params={{ service, status, athlete: athleteId }} page={page} pageCount={pageCount} />
    </div>
  );
}
