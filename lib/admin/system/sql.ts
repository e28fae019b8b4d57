import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { db } from "@/db";

/*
 * The raw SQL of lib/admin/system names connection_events' instant column by its stored name, `created_at`
 * (connectionEvents.at in the schemas).
 */

/** One hour and one day, in milliseconds: the System page's bucket sizes. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * `date` bound as an instant comparable with a stored `at`/`created_at` column in raw SQL: integer milliseconds
 * on SQLite (the `timestamp_ms` columns), a `timestamptz` on PostgreSQL.
 */
export function instant(date: Date): SQL {
  return db.engine === "postgres" ? sql`${date.toISOString()}::timestamptz` : sql`${date.getTime()}`;
}

/**
 * The whole number of `sizeMs`-millisecond buckets from `start` to `column` (an instant column, at or after
 * `start`): 0 for the first bucket. Integer arithmetic on SQLite's milliseconds; `extract(epoch …)` on PostgreSQL.
 * `sizeMs` is a constant of this module, written into the SQL.
 */
export function bucketSince(column: SQL, start: Date, sizeMs: typeof HOUR_MS | typeof DAY_MS): SQL {
  return db.engine === "postgres"
    ? sql`floor(extract(epoch from (${column} - ${instant(start)})) * 1000 / ${sql.raw(String(sizeMs))})::int`
    : sql`cast((${column} - ${instant(start)}) / ${sql.raw(String(sizeMs))} as integer)`;
}

/** An instant read back by raw SQL (SQLite: milliseconds; PostgreSQL: a Date or its text) as a Date. */
export function readInstant(value: unknown): Date {
  return value instanceof Date ? value : new Date(typeof value === "string" && /^\d+$/.test(value) ? Number(value) : (value as string | number));
}

/**
 * How a `refresh_failed` event's detail begins (lib/connections/refresh.ts recordRefreshFailure and the
 * needsReauth transition): a failure of the service (5xx, timeout, network), a refusal of TrainLink's own client
 * credentials, or the refusal of an athlete's grant (always followed by a `needs_reauth` event).
 */
export const TRANSIENT_PREFIX = "transient (";
export const SERVICE_LEVEL_PREFIX = "service-level (";
export const REFUSED_PREFIX = "refused: ";

/** `detail` begins with `prefix`, compared exactly on both engines (no LIKE: SQLite's is case-insensitive). */
export function detailStartsWith(detail: SQL, prefix: string): SQL {
  return sql`substr(${detail}, 1, ${sql.raw(String(prefix.length))}) = ${prefix}`;
}
