import "server-only";
import { open, parseKeyring, seal, type Keyring } from "@/lib/crypto";
import { env } from "@/lib/env";

let keyring: Keyring | undefined;

/** The keyring from TOKEN_ENCRYPTION_KEY, parsed once. Throws KeyringConfigError when it is malformed. */
export function getKeyring(): Keyring {
  keyring ??= parseKeyring(env.TOKEN_ENCRYPTION_KEY);
  return keyring;
}

export type TokenField = "access_token" | "refresh_token";

/** Seals a token for one column of one connection row (the AAD binds it to both). */
export function sealToken(value: string, connectionId: string, field: TokenField): string {
  return seal(value, getKeyring(), `accounts.${field}:${connectionId}`);
}

/** Opens a token sealed by sealToken. Throws TokenDecryptionError (wrong key, tampering, wrong row). */
export function openToken(sealed: string, connectionId: string, field: TokenField): string {
  return open(sealed, getKeyring(), `accounts.${field}:${connectionId}`);
}
