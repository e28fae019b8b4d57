import { createHash, randomBytes } from "node:crypto";
import { API_KEY_SCOPES, type ApiKeyScope } from "@/db/schema";

/**
 * The shape of every API key: `tlk_` + 8 lowercase hex characters (the visible prefix) + `_` + the base64url
 * (RFC 4648 §5, no padding) of 32 random bytes (43 characters). 256 bits of entropy, so a fast hash of the whole
 * key is safe to store and compare (no password hashing needed), and the prefix tells people which key it is.
 */
export const API_KEY_PATTERN = /^tlk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;

/** The length of a key's visible prefix, `tlk_` + 8 hex characters. */
export const API_KEY_PREFIX_LENGTH = 12;

/** A new random key in the format of API_KEY_PATTERN, with its prefix and the SHA-256 hex to store. */
export function generateApiKey(): { plaintext: string; prefix: string; keyHash: string } {
  const prefix = `tlk_${randomBytes(4).toString("hex")}`;
  const plaintext = `${prefix}_${randomBytes(32).toString("base64url")}`;
  return { plaintext, prefix, keyHash: hashApiKey(plaintext) };
}

/** The SHA-256 of the whole key string, as 64 lowercase hex characters: what `api_keys.key_hash` stores. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** What an `Authorization` header holds, as the API sees it. */
export type BearerCredentials = { kind: "none" } | { kind: "malformed" } | { kind: "key"; key: string };

/**
 * Reads an `Authorization` header per RFC 6750 §2.1 (`Bearer` 1*SP b64token; the scheme is case-insensitive,
 * RFC 9110 §11.1). No header, or another scheme: `none`. A Bearer token that is not in API_KEY_PATTERN (or a
 * header over 200 characters): `malformed`, refused before any database lookup.
 */
export function parseBearer(header: string | null | undefined): BearerCredentials {
  if (!header) return { kind: "none" };
  if (header.length > 200) return { kind: "malformed" };
  const match = /^([A-Za-z]+) +(\S*) *$/.exec(header);
  if (!match || match[1]!.toLowerCase() !== "bearer") return /^bearer\b/i.test(header) ? { kind: "malformed" } : { kind: "none" };
  const key = match[2]!;
  return API_KEY_PATTERN.test(key) ? { kind: "key", key } : { kind: "malformed" };
}

/** The known scopes in a stored space-separated list, in API_KEY_SCOPES order (unknown words are dropped). */
export function parseScopes(stored: string): ApiKeyScope[] {
  const words = new Set(stored.split(" "));
  return API_KEY_SCOPES.filter((scope) => words.has(scope));
}

/** Scopes as stored: known ones only, each once, in API_KEY_SCOPES order, separated by single spaces. */
export function formatScopes(scopes: readonly string[]): string {
  return parseScopes(scopes.join(" ")).join(" ");
}
