import { StackedBars } from "@/components/charts/stacked-bars";
import { Badge } from "@/components/ui/badge";
import { Fact } from "@/components/ui/fact";
import type { ServiceOverview } from "@/lib/admin/system/overview";
import type { HourOutcomes } from "@/lib/admin/system/refresh-outcomes";
import { formatUtc } from "@/lib/time";
import { OUTCOME_SERIES, outcomeSummary, outcomeTotals } from "./series";

const hourLabel = (h: HourOutcomes) => `${formatUtc(h.startsAt, "HH:mm")} UTC`;

/** One service's card: its last 24 hours of refresh outcomes per hour (UTC), median latency and last error. */
export function ServiceRefreshes({ service }: { service: ServiceOverview }) {
  const headingId = `refreshes-${service.id}`;
  const totals = outcomeTotals(service.hours);
  const any = Object.values(totals).some((n) => n > 0);
  const rejected = service.credentialsRejected;
  return (
    <section aria-labelledby={headingId} className="min-w-0 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h3 id={headingId} className="text-base font-semibold text-slate-900">
          {service.name}
        </h3>
        {!service.configured ? (
          <Badge tone="amber">Not configured</Badge>
        ) : rejected ? (
          <Badge tone="red">Credentials rejected</Badge>
        ) : totals.service_failure + totals.credentials_refused + totals.reconnect > 0 ? (
          <Badge tone="amber">Failures in 24 h</Badge>
        ) : (
          <Badge tone="green">No failures in 24 h</Badge>
        )}
      </div>
      {!service.configured ? (
        <p className="mt-2 text-sm text-slate-700">Not configured: this server has no credentials for {service.name}, so nothing is refreshed.</p>
      ) : (
        <>
          <dl className="mt-3 grid gap-3 text-sm sm:grid-cols-2">
            <Fact label="Median latency">
              {service.latency
                ? `${Math.round(service.latency.medianMs).toLocaleString("en")} ms (${service.latency.samples.toLocaleString("en")} refresh call${service.latency.samples === 1 ? "" : "s"})`
                : "No timed refresh calls in 24 h"}
            </Fact>
            <Fact label="Last error">
              {service.lastError ? (
                <span className="break-words">
                  {formatUtc(service.lastError.at, "HH:mm")} UTC: {service.lastError.words}
                </span>
              ) : (
                "None in 24 h"
              )}
            </Fact>
          </dl>
          {rejected ? (
            <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm break-words text-red-900 ring-1 ring-red-600/20 ring-inset">
              {service.name} has refused TrainLink&apos;s client credentials since {formatUtc(rejected.credentialsRejectedAt, "d MMM, HH:mm")} UTC (
              {rejected.lastError}). Refreshes of {service.name} are paused until {formatUtc(rejected.nextAttemptAt, "HH:mm")} UTC; connections are
              kept.
            </p>
          ) : null}
          <div className="mt-4">
            {any ? (
              <StackedBars
                chartId={`chart-${service.id}`}
                title={`${service.name} refreshes per hour, last 24 hours (UTC)`}
                summary={outcomeSummary(service.name, service.hours, hourLabel)}
                labelHeader="Hour (UTC)"
                series={OUTCOME_SERIES}
                bars={service.hours.map((h) => ({
                  label: formatUtc(h.startsAt, "HH:mm"),
                  tick: h.startsAt.getUTCHours() % 6 === 0 ? formatUtc(h.startsAt, "HH:mm") : undefined,
                  values: h.counts,
                }))}
              />
            ) : (
              <p className="rounded-md bg-slate-50 px-3 py-6 text-center text-sm text-slate-600">No refreshes in the last 24 hours</p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
