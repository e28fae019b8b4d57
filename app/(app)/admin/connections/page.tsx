import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/connections/status-badge";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { Pagination } from "@/components/ui/pagination";
import { SERVICE_IDS, type ServiceId } from "@/db/schema";
import { LISTABLE_STATUSES, listConnectionsPage, type ListableStatus } from "@/lib/admin/connections";
import { requireRole } from "@/lib/auth/session";
import { STATUS_LABELS } from "@/lib/connections/status";
import { integrations } from "@/lib/integrations";
import { formatUtc } from "@/lib/time";
import { revokeConnectionAction } from "../actions";

export const metadata: Metadata = { title: "Connections" };

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
        <p className="mt-1 text-sm text-slate-600">Every connection of every athlete. Revoke cuts access at once, through the same path as the athlete&apos;s Disconnect.</p>
      </div>
      <form method="get" className="flex flex-wrap items-end gap-3">
        {athleteId ? <input type="hidden" name="athlete" value={athleteId} /> : null}
        <div>
          <label htmlFor="service" className={LABEL_CLASS}>
            Service
          </label>
          <select id="service" name="service" defaultValue={service ?? ""} className={FIELD_CLASS}>
            <option value="">All services</option>
            {integrations().map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </div>
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
        <button type="submit" className="rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
          Apply
        </button>
        {athleteId || service || status ? (
          <Link href="/admin/connections" className="py-2 text-sm font-medium text-brand-700 hover:underline">
            Clear filters
          </Link>
        ) : null}
      </form>
      <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Connections, {total} matching</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3">Athlete</th>
              <th scope="col" className="px-4 py-3">Service</th>
              <th scope="col" className="px-4 py-3">Status</th>
              <th scope="col" className="px-4 py-3">Linked</th>
              <th scope="col" className="px-4 py-3">Access token expires</th>
              <th scope="col" className="px-4 py-3">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-4 py-6 text-center text-slate-600">
                  No connection matches these filters.
                </td>
              </tr>
            ) : (
              rows.map((r) => {
                const revocable = r.status !== "not_connected" && r.status !== "revoked_by_service";
                return (
                  <tr key={r.id} aria-label={`${r.athleteName} ${r.serviceName}`}>
                    <th scope="row" className="px-4 py-3 text-left font-medium">
                      <Link href={`/admin/users/${r.athleteId}`} className="text-brand-700 hover:underline">
                        {r.athleteName}
                      </Link>
                      <span className="block text-xs font-normal text-slate-500">{r.athleteEmail}</span>
                    </th>
                    <td className="px-4 py-3 text-slate-800">{r.serviceName}</td>
                    <td className="px-4 py-3">
                      <StatusBadge status={r.status} />
                    </td>
                    <td className="px-4 py-3 text-slate-700">{r.linkedAt ? `${formatUtc(r.linkedAt, "d MMM yyyy, HH:mm")} UTC` : "—"}</td>
                    <td className="px-4 py-3 text-slate-700">
                      {r.status === "not_connected" || r.status === "revoked_by_service"
                        ? "—"
                        : r.expiresAt
                          ? `${formatUtc(new Date(r.expiresAt * 1000), "d MMM, HH:mm")} UTC`
                          : "Does not expire"}
                    </td>
                    <td className="px-4 py-3 text-right">
                      <ConfirmAction
                          available={revocable}
                          label="Revoke"
                          title={`Revoke ${r.serviceName} for ${r.athleteName}?`}
                          description={`TrainLink asks ${r.serviceName} to revoke access and deletes the stored tokens. ${r.athleteName} sees ${r.serviceName} as not connected, and you are recorded as the one who revoked it.`}
                          confirmLabel="Revoke"
                          action={revokeConnectionAction}
                          fields={{ connectionId: r.id }}
                        />
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
      <Pagination path="/admin/connections" params={{ service, status, athlete: athleteId }} page={page} pageCount={pageCount} />
    </div>
  );
}
