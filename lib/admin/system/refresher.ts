import type { RefreshBacklog } from "@/lib/connections/backlog";

/** `seconds` as a rough duration in words: "12 seconds", "4 minutes", "2 hours", "3 days". */
export function roughDuration(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (seconds < 90) return unit(Math.max(0, Math.round(seconds)), "second");
  if (seconds < 90 * 60) return unit(Math.round(seconds / 60), "minute");
  if (seconds < 36 * 3600) return unit(Math.round(seconds / 3600), "hour");
  return unit(Math.round(seconds / 86_400), "day");
}

/**
 * The refresher's backlog (refreshBacklog: due connections, the oldest one's wait in seconds) in words:
 * "Up to date", or "12 connections due; the oldest has waited 4 minutes".
 */
export function describeBacklog(backlog: RefreshBacklog): string {
  if (backlog.due === 0) return "Up to date";
  const due = `${backlog.due.toLocaleString("en")} ${backlog.due === 1 ? "connection" : "connections"} due`;
  return `${due}; ${backlog.due === 1 ? "it" : "the oldest"} has waited ${roughDuration(backlog.lagSeconds)}`;
}
