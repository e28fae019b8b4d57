import { UTCDate } from "@date-fns/utc";
import { format } from "date-fns";

/**
 * Formats `date` with a date-fns `pattern` in UTC, whatever the server's time zone, so pages that say "UTC"
 * are right on any machine (also across daylight-saving changes, which shifting by the local offset was not).
 */
export function formatUtc(date: Date, pattern: string): string {
  return format(new UTCDate(date.getTime()), pattern);
}

const UTC_MINUTE = new Intl.DateTimeFormat("en-US", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/**
 * `ms` (milliseconds since the epoch) as "21 Nov 2026, 21:52", in UTC: the same text as
 * `formatUtc(date, "d MMM yyyy, HH:mm")`, from the platform's Intl instead of date-fns so client components
 * can use it without shipping date-fns. en-US parts, reassembled: en-GB would write "Sept".
 */
export function formatUtcMinute(ms: number): string {
  const part = Object.fromEntries(UTC_MINUTE.formatToParts(ms).map((p) => [p.type, p.value]));
  return `${part.day} ${part.month} ${part.year}, ${part.hour}:${part.minute}`;
}

/** How a LocalTime reads: "minute" 3 Dec 2026, 08:41 · "day" 3 Dec 2026 · "dayMinute" 3 Dec, 08:41 · "dayMonth" 3 Dec · "time" 08:41. */
export type TimeStyle = "minute" | "day" | "dayMinute" | "dayMonth" | "time";

const STYLE_PARTS: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  minute: { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" },
  day: { day: "numeric", month: "short", year: "numeric" },
  dayMinute: { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" },
  dayMonth: { day: "numeric", month: "short" },
  time: { hour: "2-digit", minute: "2-digit" },
};

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * `ms` (milliseconds since the epoch) in `timeZone` (an IANA name such as "Europe/Berlin"; "UTC" when the zone
 * is unknown to the platform), in one of the TimeStyle shapes, with the zone's short name appended for styles
 * that show a time ("3 Dec 2026, 08:41 CET", "… UTC"). Uses only Intl, so client components can call it.
 */
export function formatInZone(ms: number, timeZone: string, style: TimeStyle): string {
  const key = `${timeZone}|${style}`;
  let fmt = zoneFormats.get(key);
  if (!fmt) {
    const options: Intl.DateTimeFormatOptions = { ...STYLE_PARTS[style], hourCycle: "h23" };
    if (options.hour) options.timeZoneName = "short";
    try {
      fmt = new Intl.DateTimeFormat("en-US", { ...options, timeZone });
    } catch {
      fmt = new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
    }
    zoneFormats.set(key, fmt);
  }
  const part = Object.fromEntries(fmt.formatToParts(ms).map((p) => [p.type, p.value]));
  const date = [part.day, part.month, part.year].filter(Boolean).join(" ");
  const time = part.hour ? `${part.hour}:${part.minute} ${part.timeZoneName}` : "";
  return date && time ? `${date}, ${time}` : date || time;
}
