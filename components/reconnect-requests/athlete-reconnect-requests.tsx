import { StatusBadge } from "@/components/connections/status-badge";
import type { ReconnectOverview } from "@/lib/reconnect-requests/list-reconnect-requests";
import { ReconnectRequestPanel } from "./reconnect-request-panel";

/**
 * The admin's view of one athlete's reconnect requests (admin/users/[id]): per service its status, the latest
 * request's progress and "Ask to reconnect" where the connection needs the athlete. Each service is a region
 * named after it, as on the coach's athlete page.
 */
export function AthleteReconnectRequests({ athlete, overview }: { athlete: { id: string; name: string }; overview: ReconnectOverview[] }) {
  return (
    <section aria-labelledby="reconnect-requests" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <h2 id="reconnect-requests" className="text-base font-semibold text-slate-900">
        Reconnect requests
      </h2>
      <p className="mt-1 mb-3 text-sm text-slate-600">
        Ask {athlete.name} to reconnect a service that needs them; the request is tracked until the connection works.
      </p>
      <div className="divide-y divide-slate-100">
        {overview.map((o) => (
          <section key={o.service} aria-labelledby={`reconnect-service-${o.service}`} className="space-y-2 py-3 first:pt-0 last:pb-0">
            <div className="flex items-center justify-between gap-3">
              <h3 id={`reconnect-service-${o.service}`} className="text-sm font-semibold text-slate-900">
                {o.name}
              </h3>
              <StatusBadge status={o.status} />
            </div>
            <ReconnectRequestPanel athlete={athlete} overview={o} />
          </section>
        ))}
      </div>
    </section>
  );
}
