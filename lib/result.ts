/**
 * The one result shape of the code base. Something that can be refused resolves to what it produced, or to a
 * `Failure` whose `error` says why: a sentence for a person (server actions, admin operations) or, inside the
 * server, a reason code (`consumeLinkFlow`, `checkInvitation`). `failed` tells them apart.
 */

/** A refusal: `error` is a sentence saying what went wrong and what to do next, or a reason code. */
export type Failure<E extends string = string> = { error: E };

/** What succeeded (`T`, never with an `error` field), or a Failure. */
export type Result<T extends object, E extends string = string> = T | Failure<E>;

/** What an action tells the person who asked when it worked: a sentence, and an optional second one. */
export type Done = { ok: string; note?: string };

/** The result of anything a person asked for in the UI: Done or a Failure with a sentence. */
export type Outcome = Result<Done>;

/** True when `result` is a Failure. */
export function failed<T extends object, F extends Failure>(result: T | F): result is F {
  return "error" in result;
}
