/**
 * How one series of a chart is drawn: a colour from the Okabe–Ito / Tol palettes (told apart with the common
 * colour-vision deficiencies, each at least 3:1 against white) and a fill pattern, so the series also differ in
 * grey scale and print; the legend names them in text.
 */
export type ChartPattern = "solid" | "stripes" | "dots" | "crosshatch" | "lines";

export interface ChartSeries<K extends string> {
  key: K;
  label: string;
  color: string;
  pattern: ChartPattern;
}

/** The palette, darkest-contrast first: blue, vermillion, wine, dark gold, slate. */
export const CHART_COLORS = {
  blue: "#0072B2",
  vermillion: "#C14A00",
  wine: "#882255",
  gold: "#8A6A00",
  slate: "#475569",
} as const;

/** The `fill` of series `key` in chart `chartId`: its colour, or the url() of its pattern. */
export function seriesFill(chartId: string, series: ChartSeries<string>): string {
  return series.pattern === "solid" ? series.color : `url(#${chartId}-${series.key})`;
}

/** SVG `<pattern>`s of the patterned series of chart `chartId` (ids `<chartId>-<key>`): white marks on the series colour. */
export function SeriesPatterns({ chartId, series }: { chartId: string; series: readonly ChartSeries<string>[] }) {
  return (
    <defs>
      {series
        .filter((s) => s.pattern !== "solid")
        .map((s) => (
          <pattern
            key={s.key}
            id={`${chartId}-${s.key}`}
            width="4"
            height="4"
            patternUnits="userSpaceOnUse"
            patternTransform={s.pattern === "stripes" || s.pattern === "crosshatch" ? "rotate(45)" : undefined}
          >
            <rect width="4" height="4" fill={s.color} />
            {s.pattern === "dots" ? <circle cx="2" cy="2" r="0.9" fill="white" /> : null}
            {s.pattern === "stripes" || s.pattern === "crosshatch" ? <rect width="1.2" height="4" fill="white" /> : null}
            {s.pattern === "crosshatch" || s.pattern === "lines" ? <rect width="4" height="1.2" fill="white" /> : null}
          </pattern>
        ))}
    </defs>
  );
}

/** The legend of a chart: a swatch (same colour and pattern) and the series' name, in text. */
export function ChartLegend({ chartId, series }: { chartId: string; series: readonly ChartSeries<string>[] }) {
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
      {series.map((s) => (
        <li key={s.key} className="flex items-center gap-1.5">
          <svg aria-hidden="true" width="12" height="12" viewBox="0 0 12 12" className="shrink-0">
            <SeriesPatterns chartId={`${chartId}-legend`} series={[s]} />
            <rect width="12" height="12" rx="2" fill={seriesFill(`${chartId}-legend`, s)} />
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
}
