import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** One AES-256 key and the id stored beside every value sealed with it. */
export interface SealingKey {
  id: string;
  key: Buffer;
}

/** The keys in force: `current` seals; every key (current first) can open. */
export interface Keyring {
  current: SealingKey;
  all: ReadonlyMap<string, SealingKey>;
}

/** Thrown when a sealed value cannot be opened: unknown key id, wrong key, tampering or a malformed value. */
export class TokenDecryptionError extends Error {
  override name = "TokenDecryptionError";
}

/** Thrown when TOKEN_ENCRYPTION_KEY cannot be parsed into a keyring. */
export class KeyringConfigError extends Error {
  override name = "KeyringConfigError";
}

const VERSION = "v1";
const IV_BYTES = 12; // 96-bit IV, the size GCM is specified for (NIST SP 800-38D §8.2)
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses TOKEN_ENCRYPTION_KEY: a comma-separated list of keys, the first being current, each either
 * `base64` or `id:base64` where the base64 decodes to exactly 32 bytes. A key without an id gets one derived
 * from its bytes (first 8 hex digits of SHA-256), so the same key always has the same id.
 * Throws KeyringConfigError naming the problem (never echoing key material).
 */
export function parseKeyring(spec: string): Keyring {
  const entries = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new KeyringConfigError("TOKEN_ENCRYPTION_KEY is empty");
  const all = new Map<string, SealingKey>();
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(":");
    const b64 = colon === -1 ? entry : entry.slice(colon + 1);
    const key = Buffer.from(b64, "base64");
    if (key.length !== 32 || key.toString("base64").replace(/=+$/, "") !== b64.replace(/=+$/, "")) {
      throw new KeyringConfigError(`TOKEN_ENCRYPTION_KEY entry ${index + 1} is not base64 of exactly 32 bytes (try: openssl rand -base64 32)`);
    }
    const id = colon === -1 ? createHash("sha256").update(key).digest("hex").slice(0, 8) : entry.slice(0, colon);
    if (!KEY_ID.test(id)) throw new KeyringConfigError(`TOKEN_ENCRYPTION_KEY entry ${index + 1} has an invalid key id`);
    if (all.has(id)) throw new KeyringConfigError(`TOKEN_ENCRYPTION_KEY lists key id "${id}" twice`);
    all.set(id, { id, key });
  }
  const current = all.values().next().value as SealingKey;
  return { current, all };
}

/**
 * Seals `plaintext` with AES-256-GCM under the keyring's current key, a fresh random 96-bit IV per call.
 * `context` is bound as additional authenticated data (e.g. `accounts.access_token:<connection id>`), so a
 * sealed value copied to another row or column will not open there.
 * Returns `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). Implements docs/SECURITY.md row 14.
 */
export function seal(plaintext: string, keyring: Keyring, context = ""): string {
  const { id, key } = keyring.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(`${VERSION}.${id}.${context}`, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, id, iv.toString("base64url"), ciphertext.toString("base64url"), tag.toString("base64url")].join(".");
}

/** The key id a sealed value was sealed with, or null when the value is not in the sealed format. */
export function sealedKeyId(sealed: string): string | null {
  const parts = sealed.split(".");
  return parts.length === 5 && parts[0] === VERSION ? (parts[1] ?? null) : null;
}

/**
 * Opens a value made by `seal`, checking the GCM tag. `context` must equal the one used to seal.
 * Throws TokenDecryptionError when the key id is not in the keyring, the key is wrong, any byte was
 * changed, or the value is malformed. Never returns garbage.
 */
export function open(sealed: string, keyring: Keyring, context = ""): string {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw new TokenDecryptionError("Sealed value is malformed");
  const [, id, ivPart, ctPart, tagPart] = parts as [string, string, string, string, string];
  const entry = keyring.all.get(id);
  if (!entry) {
    throw new TokenDecryptionError(
      `Sealed with key id "${id}", which TOKEN_ENCRYPTION_KEY does not list (keys known: ${[...keyring.all.keys()].join(", ")})`,
    );
  }
  const iv = Buffer.from(ivPart, "base64url");
  const tag = Buffer.from(tagPart, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== 16) throw new TokenDecryptionError("Sealed value is malformed");
  try {
    const decipher = createDecipheriv("aes-256-gcm", entry.key, iv);
    decipher.setAAD(Buffer.from(`${VERSION}.${id}.${context}`, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ctPart, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new TokenDecryptionError(`Sealed value failed authentication under key id "${id}": wrong key for that id, or the value was altered`);
  }
}
