import { format } from "date-fns";

/**
 * Formats `date` with a date-fns `pattern` in UTC, whatever the server's time zone, so pages that say "UTC"
 * are right on any machine.
 */
export function formatUtc(date: Date, pattern: string): string {
  return format(new Date(date.getTime() + date.getTimezoneOffset() * 60_000), pattern);
}
