import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { firstRow } from "@/db/first";
import { appCredentials } from "@/db/schema";
import { open, seal, sealedKeyId, TokenDecryptionError, type Keyring } from "@/lib/crypto";

// The canary is a row of app_credentials like the FitRankings master token, so the key rotation script
// (lib/connections/rotate-keys.ts) re-seals it with the others, under the same `app_credentials.<service>.<kind>`
// context. Its plaintext is a known constant, not a secret: only opening it proves anything.
const SERVICE = "trainlink" as const;
const KIND = "key_canary";
const CONTEXT = `app_credentials.${SERVICE}.${KIND}`;
/** The value sealed into the canary. */
export const CANARY_PLAINTEXT = "TrainLink readiness canary v1";

/**
 * Stores the key canary (CANARY_PLAINTEXT sealed under `keyring.current`) unless one is stored already; an
 * existing canary is never replaced, so a server started with the wrong key does not hide it. Run at start-up
 * (lib/startup.ts); safe when several instances start at once (`ON CONFLICT DO NOTHING`).
 */
export async function ensureKeyCanary(database: Executor, keyring: Keyring): Promise<void> {
  const value = sealKeyCanary(keyring);
  await database
    .insert(appCredentials)
    .values({ service: SERVICE, kind: KIND, value, keyId: sealedKeyId(value), obtainedAt: new Date() })
    .onConflictDoNothing({ target: [appCredentials.service, appCredentials.kind] });
}

/** The canary sealed under `keyring.current`, as ensureKeyCanary stores it (tests plant one sealed with another key). */
export function sealKeyCanary(keyring: Keyring): string {
  return seal(CANARY_PLAINTEXT, keyring, CONTEXT);
}

/**
 * Opens the stored canary with `keyring`. Resolves to null when it opens to CANARY_PLAINTEXT, else to a sentence
 * saying why not (no canary stored; sealed with a key the keyring does not list; fails authentication) that names
 * no key, key id or value. Rejects only when the database does.
 */
export async function openKeyCanary(database: Executor, keyring: Keyring): Promise<string | null> {
  const row = await database
    .select({ value: appCredentials.value })
    .from(appCredentials)
    .where(and(eq(appCredentials.service, SERVICE), eq(appCredentials.kind, KIND)))
    .limit(1)
    .then(firstRow);
  if (!row) return "no key canary is stored (the server writes one when it starts)";
  const keyId = sealedKeyId(row.value);
  if (keyId !== null && !keyring.all.has(keyId)) {
    return "the key canary was sealed with a key that TOKEN_ENCRYPTION_KEY does not list: stored tokens will not open either";
  }
  try {
    return open(row.value, keyring, CONTEXT) === CANARY_PLAINTEXT ? null : "the key canary opens to an unexpected value";
  } catch (error) {
    if (!(error instanceof TokenDecryptionError)) throw error;
    return "the key canary does not open under TOKEN_ENCRYPTION_KEY (a wrong key under the same id, or an altered value)";
  }
}
