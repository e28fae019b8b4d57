import type { z } from "zod";

/** A query string as Next.js hands it to a page (`searchParams`), or as a route handler reads it (`nextUrl.searchParams`). */
export type QueryInput = URLSearchParams | Record<string, string | string[] | undefined>;

/**
 * `input` as one value per parameter: the first of repeated ones; blank and absent parameters are left out,
 * so a schema's defaults apply to them.
 */
export function flattenQuery(input: QueryInput): Record<string, string> {
  const entries: [string, string | string[] | undefined][] =
    input instanceof URLSearchParams ? [...new Set(input.keys())].map((key) => [key, input.getAll(key)]) : Object.entries(input);
  const flat: Record<string, string> = {};
  for (const [key, value] of entries) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string" && first.trim() !== "") flat[key] = first;
  }
  return flat;
}

/**
 * The one way pages and route handlers read their query string: `schema` (zod) applied to flattenQuery(input).
 * For pages, each field of the schema `.catch()`es its default, so a malformed parameter never fails the page;
 * for an endpoint that must answer 400, pass a schema without catches and use `safeParseQuery`.
 */
export function parseQuery<S extends z.ZodType>(schema: S, input: QueryInput): z.output<S> {
  return schema.parse(flattenQuery(input));
}

/** Like parseQuery, without throwing: the parsed query, or null when `schema` refuses it. */
export function safeParseQuery<S extends z.ZodType>(schema: S, input: QueryInput): z.output<S> | null {
  const parsed = schema.safeParse(flattenQuery(input));
  return parsed.success ? parsed.data : null;
}
