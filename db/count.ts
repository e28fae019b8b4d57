import { count, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { db } from "@/db";

/** A row count that stops at a cap: `count` is exact when `more` is false, else the cap (there are more rows). */
export interface BoundedCount {
  count: number;
  /** True when more than `count` rows match (the count stopped at its cap). */
  more: boolean;
}

/**
 * The number of rows of `table` matching `where`, counting at most `cap` (default 10,000): a list's "10,000+
 * matching" costs at most `cap` index entries on both engines, where an exact count(*) reads every matching row
 * (PostgreSQL has no stored row count: 200,000 connections cost it 11–70 ms a page, parallel workers included).
 */
export async function countUpTo(table: PgTable, where: SQL | undefined, cap = 10_000): Promise<BoundedCount> {
  const capped = db
    .select({ one: sql`1`.as("one") })
    .from(table)
    .where(where)
    .limit(cap + 1)
    .as("capped");
  const n = (await db.select({ n: count() }).from(capped))[0]?.n ?? 0;
  return n > cap ? { count: cap, more: true } : { count: n, more: false };
}

/** A BoundedCount for people: "1,234", or "10,000+" when the count stopped at its cap. */
export function formatCount(total: BoundedCount): string {
  return `${total.count.toLocaleString("en-US")}${total.more ? "+" : ""}`;
}
