import { CHART_COLORS, type ChartSeries } from "@/components/charts/chart-series";
import type { HourOutcomes, RefreshOutcome } from "@/lib/admin/system/refresh-outcomes";
import type { HistoryStatus } from "@/lib/admin/system/status-history";
import { STATUS_LABELS } from "@/lib/connections/status";

/** The refresh outcome chart's series, stacked from the bottom: what worked, then whose problem each failure was. */
export const OUTCOME_SERIES: readonly ChartSeries<RefreshOutcome>[] = [
  { key: "success", label: "Succeeded", color: CHART_COLORS.blue, pattern: "solid" },
  { key: "service_failure", label: "Service failed", color: CHART_COLORS.vermillion, pattern: "stripes" },
  { key: "credentials_refused", label: "Our credentials refused", color: CHART_COLORS.wine, pattern: "dots" },
  { key: "reconnect", label: "Athlete must reconnect", color: CHART_COLORS.gold, pattern: "crosshatch" },
];

/** The 30-day chart's series, in the admin pages' status words (STATUS_LABELS). */
export const HISTORY_SERIES: readonly ChartSeries<HistoryStatus>[] = [
  { key: "connected", label: STATUS_LABELS.connected, color: CHART_COLORS.blue, pattern: "solid" },
  { key: "refresh_failing", label: STATUS_LABELS.refresh_failing, color: CHART_COLORS.vermillion, pattern: "stripes" },
  { key: "needs_reauth", label: STATUS_LABELS.needs_reauth, color: CHART_COLORS.gold, pattern: "crosshatch" },
  { key: "revocation_pending", label: STATUS_LABELS.revocation_pending, color: CHART_COLORS.slate, pattern: "dots" },
  { key: "revoked_by_service", label: STATUS_LABELS.revoked_by_service, color: CHART_COLORS.wine, pattern: "lines" },
];

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** Totals of `hours` per outcome. */
export function outcomeTotals(hours: readonly HourOutcomes[]): Record<RefreshOutcome, number> {
  const totals = { success: 0, service_failure: 0, credentials_refused: 0, reconnect: 0 };
  for (const hour of hours) for (const key of Object.keys(totals) as RefreshOutcome[]) totals[key] += hour.counts[key];
  return totals;
}

/** The outcome chart's summary in words, for its aria-label: the totals, and the worst hour when any failed. */
export function outcomeSummary(name: string, hours: readonly HourOutcomes[], hourLabel: (h: HourOutcomes) => string): string {
  const t = outcomeTotals(hours);
  const failed = (h: HourOutcomes) => h.counts.service_failure + h.counts.credentials_refused + h.counts.reconnect;
  const worst = hours.reduce<HourOutcomes | null>((w, h) => (failed(h) > (w ? failed(w) : 0) ? h : w), null);
  return [
    `${name} refreshes per hour, last 24 hours: ${count(t.success, "succeeded", "succeeded")}, ${count(t.service_failure, "service failure")}, ` +
      `${count(t.credentials_refused, "refusal")} of TrainLink's credentials, ${count(t.reconnect, "athlete")} had to reconnect.`,
    worst ? `Most failures at ${hourLabel(worst)}: ${failed(worst)}.` : "No failures.",
  ].join(" ");
}
