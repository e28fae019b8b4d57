"use client";

import { useSyncExternalStore } from "react";
import { formatInZone, type TimeStyle } from "@/lib/time";

const subscribe = () => () => {};
const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
const serverZone = () => "UTC";

/**
 * A point in time in the viewer's own time zone ("3 Dec 2026, 08:41 CET"), with the UTC time on hover (`title`)
 * and the exact instant in `dateTime`. The server and the hydration render say UTC (the server cannot know the
 * viewer's zone); React switches to the browser's zone right after hydration (useSyncExternalStore's server
 * snapshot), so there is no hydration mismatch. `ms` is milliseconds since the epoch (a number, so server
 * components can pass it as a prop); `style` picks the shape (lib/time.ts TimeStyle). Exports stay in UTC.
 */
export function LocalTime({ ms, style = "minute", className }: { ms: number; style?: TimeStyle; className?: string }) {
  const zone = useSyncExternalStore(subscribe, viewerZone, serverZone);
  const utc = formatInZone(ms, "UTC", style === "day" || style === "dayMonth" ? "minute" : style);
  return (
    <time dateTime={new Date(ms).toISOString()} title={utc.endsWith("UTC") ? utc : `${utc} UTC`} className={className}>
      {formatInZone(ms, zone, style)}
    </time>
  );
}
