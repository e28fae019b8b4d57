import type { Metadata } from "next";
import { Suspense } from "react";
import { StackedBars } from "@/components/charts/stacked-bars";
import { Badge } from "@/components/ui/badge";
import { systemOverview } from "@/lib/admin/system/overview";
import { describeBacklog } from "@/lib/admin/system/refresher";
import { HISTORY_STATUSES, type DayCounts } from "@/lib/admin/system/status-history";
import { requireRole } from "@/lib/auth/session";
import { formatUtc } from "@/lib/time";
import { HISTORY_SERIES } from "./series";
import { ServiceRefreshes } from "./service-refreshes";

export const metadata: Metadata = { title: "System" };

export default async function AdminSystemPage() {
  const admin = await requireRole("admin");
  const { now, services, backlog, history } = await systemOverview(admin);
  const rejected = services.filter((s) => s.credentialsRejected);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">System</h1>
        <p className="mt-1 text-sm text-slate-600">
          How TrainLink is doing with each training service, as of {formatUtc(now, "d MMM yyyy, HH:mm")} UTC. Reload for newer figures.
        </p>
      </div>

      <section aria-labelledby="refresher" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <h2 id="refresher" className="text-base font-semibold text-slate-900">
            Background refresher
          </h2>
          <Badge tone={backlog.due === 0 ? "green" : backlog.lagSeconds > 300 ? "amber" : "blue"}>
            {backlog.due === 0 ? "Up to date" : "Working"}
          </Badge>
        </div>
        <p className="mt-2 text-sm text-slate-800">{describeBacklog(backlog)}.</p>
        <p className="mt-1 text-sm text-slate-700">
          {rejected.length === 0
            ? "No service is paused."
            : `Paused because the service refuses TrainLink's credentials: ${rejected
                .map((s) =>
                  s.credentialsRejected!.nextAttemptAt > now
                    ? `${s.name} (until ${formatUtc(s.credentialsRejected!.nextAttemptAt, "HH:mm")} UTC)`
                    : `${s.name} (trying again now)`,
                )
                .join(", ")}.`}
        </p>
      </section>

      <section aria-labelledby="refreshes" className="space-y-3">
        <div>
          <h2 id="refreshes" className="text-lg font-semibold text-slate-900">
            Refreshes in the last 24 hours
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Per hour (UTC): refreshes that worked, failures of the service (tokens kept, retried), refusals of TrainLink&apos;s own credentials (an
            operator problem), and athletes who must reconnect.
          </p>
        </div>
        <div className="grid gap-4 md:grid-cols-2">
          {services.map((service) => (
            <ServiceRefreshes key={service.id} service={service} />
          ))}
        </div>
      </section>

      <section aria-labelledby="history" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="history" className="text-base font-semibold text-slate-900">
          Connections by status, last 30 days
        </h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">
          At the end of each day (UTC; today: now), from the connection history. Connected includes connections about to expire or missing a
          permission; disconnected ones are not counted.
        </p>
        <Suspense fallback={<p className="rounded-md bg-slate-50 px-3 py-6 text-center text-sm text-slate-600">Loading the last 30 days…</p>}>
          <StatusHistory history={history} />
        </Suspense>
      </section>
    </div>
  );
}

/** The 30-day chart, streamed after the rest of the page: its query is the page's slowest. */
async function StatusHistory({ history: pending }: { history: Promise<DayCounts[]> }) {
  const history = await pending;
  const today = history.at(-1);
  const anyHistory = history.some((d) => HISTORY_STATUSES.some((s) => d.counts[s] > 0));
  const historySummary = today
    ? `Connections by status at the end of each day, last 30 days. Today: ${HISTORY_SERIES.map((s) => `${today.counts[s.key].toLocaleString("en")} ${s.label.toLowerCase()}`).join(", ")}.`
    : "";
  return anyHistory ? (
    <StackedBars
      chartId="chart-history"
      wideWidth={640}
      title="Connections by status at the end of each day, last 30 days (UTC)"
      summary={historySummary}
      labelHeader="Day (UTC)"
      series={HISTORY_SERIES}
      bars={history.map((d, i) => ({
        label: formatUtc(d.day, "d MMM"),
        tick: (history.length - 1 - i) % 7 === 0 ? formatUtc(d.day, "d MMM") : undefined,
        values: d.counts,
      }))}
    />
  ) : (
    <p className="rounded-md bg-slate-50 px-3 py-6 text-center text-sm text-slate-600">No connections in the last 30 days</p>
  );
}
