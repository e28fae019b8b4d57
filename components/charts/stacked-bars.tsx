import { ChartLegend, SeriesPatterns, seriesFill, type ChartSeries } from "./chart-series";

/** One bar: its full label (table rows, tooltips), an optional short axis tick, and a value per series. */
export interface Bar<K extends string> {
  label: string;
  tick?: string;
  values: Record<K, number>;
}

const WIDTH = 320;
const HEIGHT = 120;
const PAD = { left: 26, right: 4, top: 8, bottom: 16 };

/** The SVG of a StackedBars chart, `width` viewBox units wide (its labels are 8 units high). */
function Plot<K extends string>({
  chartId,
  summary,
  series,
  bars,
  width,
  className = "",
}: {
  chartId: string;
  summary: string;
  series: readonly ChartSeries<K>[];
  bars: readonly Bar<K>[];
  width: number;
  className?: string;
}) {
  const total = (bar: Bar<K>) => series.reduce((sum, s) => sum + bar.values[s.key], 0);
  const max = Math.max(1, ...bars.map(total));
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, bars.length);
  const y = (value: number) => PAD.top + plotHeight - (value / max) * plotHeight;
  // The last tick is right-aligned with its bar's slot, so it never runs past the drawing's edge.
  const tickX = (i: number) => (i === bars.length - 1 ? PAD.left + (i + 1) * slot : PAD.left + i * slot + slot / 2);
  return (
    <svg role="img" aria-label={summary} viewBox={`0 0 ${width} ${HEIGHT}`} width="100%" className={`h-auto max-w-full ${className || "block"}`}>
      <SeriesPatterns chartId={chartId} series={series} />
      <g fontSize="8" fill="#475569">
        <line x1={PAD.left} x2={width - PAD.right} y1={y(max)} y2={y(max)} stroke="#e2e8f0" />
        <line x1={PAD.left} x2={width - PAD.right} y1={y(0)} y2={y(0)} stroke="#94a3b8" />
        <text x={PAD.left - 3} y={y(max) + 3} textAnchor="end">
          {max.toLocaleString("en")}
        </text>
        <text x={PAD.left - 3} y={y(0) + 3} textAnchor="end">
          0
        </text>
        {bars.map((bar, i) =>
          bar.tick ? (
            <text key={i} x={tickX(i)} y={HEIGHT - 4} textAnchor={i === bars.length - 1 ? "end" : "middle"}>
              {bar.tick}
            </text>
          ) : null,
        )}
      </g>
      {bars.map((bar, i) => {
        let base = 0;
        return (
          <g key={i}>
            {series.map((s) => {
              const value = bar.values[s.key];
              if (value <= 0) return null;
              const top = y(base + value);
              const height = y(base) - top;
              base += value;
              return (
                <rect key={s.key} x={PAD.left + i * slot + slot * 0.1} width={slot * 0.8} y={top} height={height} fill={seriesFill(chartId, s)}>
                  <title>{`${bar.label}: ${value.toLocaleString("en")} ${s.label.toLowerCase()}`}</title>
                </rect>
              );
            })}
          </g>
        );
      })}
    </svg>
  );
}

/**
 * A stacked bar chart as static, server-rendered SVG (no client JavaScript, no chart library): one bar per entry
 * of `bars`, stacked in `series` order from the bottom, scaled to the largest total. It fills its container's
 * width (viewBox, width 100%), so it never overflows a narrow screen. For assistive technology the SVG is one
 * `role="img"` named by `summary`; the numbers are in a "Show as table" disclosure beneath, whose table is
 * captioned `title` and headed `labelHeader` (e.g. "Hour (UTC)"). `chartId` must be unique on the page (pattern ids).
 */
export function StackedBars<K extends string>({
  chartId,
  title,
  summary,
  labelHeader,
  series,
  bars,
  wideWidth,
}: {
  chartId: string;
  title: string;
  summary: string;
  labelHeader: string;
  series: readonly ChartSeries<K>[];
  bars: readonly Bar<K>[];
  /**
   * For a chart as wide as the page: the width of its drawing from the `md` breakpoint up (viewBox units; the
   * narrow drawing is 320), so its labels keep about the card charts' size instead of growing with the page.
   */
  wideWidth?: number;
}) {
  return (
    <figure>
      {wideWidth ? (
        <>
          <Plot chartId={chartId} summary={summary} series={series} bars={bars} width={WIDTH} className="md:hidden" />
          <Plot chartId={`${chartId}-wide`} summary={summary} series={series} bars={bars} width={wideWidth} className="hidden md:block" />
        </>
      ) : (
        <Plot chartId={chartId} summary={summary} series={series} bars={bars} width={WIDTH} />
      )}
      <ChartLegend chartId={chartId} series={series} />
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-700 hover:text-brand-700">Show as table</summary>
        {/* Focusable, so keyboard users can scroll it (axe: scrollable-region-focusable). */}
        <div role="region" aria-label={title} tabIndex={0} className="mt-2 max-h-72 overflow-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr className="text-slate-600">
                <th scope="col" className="py-1 pr-2 font-semibold">
                  {labelHeader}
                </th>
                {series.map((s) => (
                  <th key={s.key} scope="col" className="py-1 pr-2 text-right font-semibold">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 text-slate-800 tabular-nums">
              {bars.map((bar, i) => (
                <tr key={i}>
                  <th scope="row" className="py-1 pr-2 font-normal">
                    {bar.label}
                  </th>
                  {series.map((s) => (
                    <td key={s.key} className="py-1 pr-2 text-right">
                      {bar.values[s.key].toLocaleString("en")}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
