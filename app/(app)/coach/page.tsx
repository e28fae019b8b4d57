import type { Metadata } from "next";
import { StatusBadge } from "@/components/connections/status-badge";
import { requireRole } from "@/lib/auth/session";
import { listRoster } from "@/lib/roster";

export const metadata: Metadata = { title: "Roster" };

export default async function CoachPage() {
  const coach = await requireRole("coach");
  const roster = await listRoster(coach);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Roster</h1>
        <p className="mt-1 text-sm text-slate-600">The connection status of your athletes at each service.</p>
      </div>
      {roster.athletes.length === 0 ? (
        <p className="rounded-xl bg-white p-6 text-sm text-slate-600 ring-1 ring-slate-200">No athletes are on your roster yet. An administrator can assign them to you.</p>
      ) : (
        <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Connection status per athlete and service</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3">Athlete</th>
                {roster.services.map((s) => (
                  <th scope="col" key={s.id} className="px-4 py-3">{s.name}</th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {roster.athletes.map((athlete) => (
                <tr key={athlete.id}>
                  <th scope="row" className="px-4 py-3 text-left font-medium text-slate-900">
                    {athlete.name}
                    <span className="block text-xs font-normal text-slate-500">{athlete.email}</span>
                  </th>
                  {roster.services.map((s) => (
                    <td key={s.id} className="px-4 py-3">
                      <StatusBadge status={athlete.statuses[s.id]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
