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
