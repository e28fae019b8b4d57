/** PKCE (RFC 7636), S256 only: the authorization request's challenge and the token request's verifier. */
import { createHash } from "node:crypto";
import { safeEqual } from "./http.js";

/** BASE64URL (no padding) of a SHA-256 digest: always 43 characters. */
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: 43–128 unreserved characters. */
const VERIFIER_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

export type ChallengeCheck = { ok: true; challenge?: string } | { ok: false; description: string };

/**
 * Checks `code_challenge` / `code_challenge_method` of an authorization request. Neither: no PKCE.
 * Only S256 is accepted; a missing method means `plain` (RFC 7636 §4.3) and is refused like it.
 */
export function checkChallenge(challenge: string | undefined, method: string | undefined): ChallengeCheck {
  if (challenge === undefined) {
    return method === undefined ? { ok: true } : { ok: false, description: "code_challenge_method without code_challenge." };
  }
  if (method !== "S256") {
    return { ok: false, description: "Only code_challenge_method=S256 is supported (plain is not)." };
  }
  if (!CHALLENGE_PATTERN.test(challenge)) {
    return { ok: false, description: "code_challenge must be BASE64URL(SHA256(code_verifier)), 43 characters." };
  }
  return { ok: true, challenge };
}

/** BASE64URL(SHA256(ASCII(verifier))), RFC 7636 §4.2. */
export function s256(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** True when `verifier` is well-formed and hashes to `challenge` (constant-time comparison). */
export function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (verifier === undefined || !VERIFIER_PATTERN.test(verifier)) return false;
  return safeEqual(s256(verifier), challenge);
}
