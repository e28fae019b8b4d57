import { z } from "zod";

/**
 * Keyset (seek) pagination for the admin lists: a page starts right after (or ends right before) the row a
 * cursor names, found through an index in the list's order, so the last of thousands of pages costs what the
 * first does on both engines (an OFFSET reads and throws away every row before its page). A cursor travels in
 * the URL as base64url JSON of the row's sort key: a name, an id, a service; never a token or anything secret.
 */

/** Encodes and decodes one list's cursor, whose shape (a tuple of the sort key's values) `schema` checks. */
export interface CursorCodec<C> {
  /** base64url of the JSON of `cursor`. */
  encode(cursor: C): string;
  /** The cursor in `value`, or null when it is absent or not one of ours (a hand-edited URL starts at the top). */
  decode(value: string | undefined): C | null;
}

/** A CursorCodec for cursors of the shape `schema` validates (e.g. a zod tuple of name and id). */
export function cursorCodec<S extends z.ZodType>(schema: S): CursorCodec<z.infer<S>> {
  return {
    encode: (cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url"),
    decode: (value) => {
      if (!value) return null;
      try {
        const parsed = schema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
        return parsed.success ? (parsed.data as z.infer<S>) : null;
      } catch {
        return null;
      }
    },
  };
}

/** Which page a request asks for: after a cursor (Next), before one (Previous), the last, or (none) the first. */
export interface KeysetRequest {
  after?: string;
  before?: string;
  last?: boolean;
}

/**
 * The decoded request: `after` or `before` (at most one; `after` wins), and `backwards` when the page is read in
 * reverse order (before a cursor, or the last page), then flipped by keysetPage.
 */
export interface KeysetPlan<C> {
  after: C | null;
  before: C | null;
  backwards: boolean;
}

/** Decodes `request`'s cursors with `codec` into a KeysetPlan (a cursor that is not ours counts as absent). */
export function keysetPlan<C>(codec: CursorCodec<C>, request: KeysetRequest): KeysetPlan<C> {
  const after = codec.decode(request.after);
  const before = after ? null : codec.decode(request.before);
  return { after, before, backwards: before !== null || (!after && request.last === true) };
}

/**
 * One page from `fetched`, the rows a query returned for `plan` with LIMIT `size + 1` (the extra row says
 * whether more lie beyond), in display order, with whether a previous and a next page exist.
 */
export function keysetPage<R>(fetched: readonly R[], plan: KeysetPlan<unknown>, size: number): { rows: R[]; hasPrevious: boolean; hasNext: boolean } {
  const more = fetched.length > size;
  const rows = fetched.slice(0, size);
  if (plan.backwards) rows.reverse();
  // Forwards there is a previous page when we came from one; backwards, when more rows were found.
  return {
    rows,
    hasPrevious: plan.backwards ? more : plan.after !== null,
    hasNext: plan.backwards ? plan.before !== null : more,
  };
}
