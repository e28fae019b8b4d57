import { z } from "zod";
import { safeParseQuery, type QueryInput } from "@/lib/query";

/** The roster's order: by name, or by each athlete's worst status (ties by name). */
export type RosterSort = "name" | "status";

/** What narrows and orders the roster (the page and the export share them). */
export interface RosterFilters {
  /** Case-insensitive substring of the athlete's name or email. */
  q?: string;
  /** Only athletes with at least one status in NEEDS_ATTENTION. */
  attention?: boolean;
  sort?: RosterSort;
}

/** The filters plus the page: the options of listRoster. */
export interface RosterQuery extends RosterFilters {
  /** 1-based; listRoster clamps it to the pages there are. */
  page?: number;
}

/** A parsed roster query string: every field set (`q` undefined when absent or blank). */
export interface ParsedRosterQuery {
  q: string | undefined;
  attention: boolean;
  sort: RosterSort;
  page: number;
}

/** A query string as a page or a route handler has it (lib/query.ts). */
export type RosterQueryInput = QueryInput;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const blankToUndefined = (v: unknown) => {
  const value = first(v);
  return typeof value === "string" && value.trim() === "" ? undefined : value;
};

/**
 * The roster query string (`q`, `attention`, `sort`, `page`). Repeated parameters use their first value; a
 * blank one counts as absent; `attention` is on for 1, true or on (off for 0 or false); `q` is trimmed, at most
 * 200 characters; `page` an integer 1..1,000,000. Unknown parameters are ignored.
 */
const strictSchema = z.object({
  q: z.preprocess(first, z.string().trim().max(200).optional()),
  attention: z
    .preprocess(blankToUndefined, z.enum(["1", "true", "on", "0", "false"]).optional())
    .transform((v) => v === "1" || v === "true" || v === "on"),
  sort: z.preprocess(blankToUndefined, z.enum(["name", "status"]).default("name")),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(1_000_000).default(1)),
});

/** The same fields, each malformed one replaced by its default instead of failing the whole query. */
const lenientSchema = z.object({
  q: strictSchema.shape.q.catch(undefined),
  attention: strictSchema.shape.attention.catch(false),
  sort: strictSchema.shape.sort.catch("name"),
  page: strictSchema.shape.page.catch(1),
});

/**
 * Parses the roster query string (`q`, `attention`, `sort`, `page`; rules on `strictSchema` above) — the one
 * parser of the coach page and the CSV export.
 * - `"lenient"` (the default, for pages): a malformed parameter falls back to its default (no filter, no
 *   attention filter, sort by name, page 1); never null.
 * - `"strict"` (for the export, which answers 400): null when any parameter is malformed.
 * Returns every field set; `q` is undefined when absent or blank. Never throws.
 */
export function parseRosterQuery(input: RosterQueryInput, mode?: "lenient"): ParsedRosterQuery;
export function parseRosterQuery(input: RosterQueryInput, mode: "strict"): ParsedRosterQuery | null;
export function parseRosterQuery(input: RosterQueryInput, mode: "lenient" | "strict" = "lenient"): ParsedRosterQuery | null {
  const parsed = safeParseQuery(mode === "strict" ? strictSchema : lenientSchema, input);
  return parsed ? { ...parsed, q: parsed.q || undefined } : null;
}

/** The query string for `filters` (and `page` when > 1), without a leading "?"; defaults are left out. */
export function rosterSearchParams(filters: RosterQuery): string {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.attention) params.set("attention", "1");
  if (filters.sort && filters.sort !== "name") params.set("sort", filters.sort);
  if (filters.page && filters.page > 1) params.set("page", String(filters.page));
  return params.toString();
}
