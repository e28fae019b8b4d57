/** Random token values and stable sandbox user identifiers. */
import { createHash, randomBytes } from "node:crypto";

/** Short service tags used in token prefixes (`sbx-<tag>-<kind>-…`). */
export const TOKEN_TAGS = {
  trainerday: "td",
  enduco: "en",
  fitrankings: "fr",
  exorlive: "ex",
} as const;

export type TokenTag = (typeof TOKEN_TAGS)[keyof typeof TOKEN_TAGS];

/** `n` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** A recognizable random token, e.g. `sbx-td-at-<32 hex>` or `sbx-td-code-<32 hex>`. */
export function newToken(tag: TokenTag, kind: "at" | "rt" | "ut" | "mt" | "code"): string {
  return `sbx-${tag}-${kind}-${randomHex(16)}`;
}

/** The prefilled consent-page username, e.g. `trainerday-user-3fa9c1`. */
export function randomUsername(service: string): string {
  return `${service}-user-${randomHex(3)}`;
}

function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Stable 24-hex enduco user id (JWT `sub`) for a sandbox username. */
export function enducoUserId(username: string): string {
  return sha256Hex(`enduco:${username}`).slice(0, 24);
}

/** Stable all-digit FitRankings user id (6 digits) for a sandbox username. */
export function fitrankingsUserId(username: string): string {
  const n = Number.parseInt(sha256Hex(`fitrankings:${username}`).slice(0, 8), 16);
  return String(100_000 + (n % 900_000));
}
