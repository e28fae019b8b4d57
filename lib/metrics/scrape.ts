import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { errorFields } from "@/lib/log";
import { updateDatabaseGauges } from "@/lib/metrics/gauges";
import { appMetrics } from "@/lib/metrics/registry";

/**
 * Whether an `Authorization` header value carries `Bearer <token>` for the configured `token` (METRICS_TOKEN).
 * Compared in constant time: both sides are hashed with SHA-256 first, so neither the content nor the length of
 * the token leaks through timing. False for a missing or malformed header.
 */
export function bearerMatches(header: string | null, token: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return false;
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

/**
 * The Prometheus text exposition of this process (`contentType`: the registry's, text format 0.0.4): counters,
 * the service call histogram and prom-client's default process metrics, then the database-derived gauges read
 * now (updateDatabaseGauges). When the database does not answer, those gauges are left out (absent, never stale)
 * and `databaseError` says why in words; the rest is still served. Never throws for a database failure.
 */
export async function scrapeMetrics(nowMs = Date.now()): Promise<{ body: string; contentType: string; databaseError: string | null }> {
  const metrics = appMetrics();
  let databaseError: string | null = null;
  try {
    await updateDatabaseGauges(nowMs);
  } catch (error) {
    // The error's name and code (e.g. "DatabaseError 57P01"), never its message: a driver may quote values in it.
    const fields = errorFields(error);
    databaseError = error instanceof Error ? [fields.error, fields.errorCode].filter(Boolean).join(" ") : "the database did not answer";
  }
  const own = await metrics.registry.metrics();
  const fromDatabase = databaseError === null ? await metrics.databaseRegistry.metrics() : "";
  return { body: fromDatabase ? `${own}\n${fromDatabase}` : own, contentType: metrics.registry.contentType, databaseError };
}
