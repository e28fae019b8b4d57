import "server-only";
import { randomBytes } from "node:crypto";
import { open, seal, sealedKeyId } from "@/lib/crypto";
import { getKeyring } from "@/lib/connections/sealing";

/**
 * Endpoint signing secrets: `whsec_` + base64 of 32 random bytes (the Standard Webhooks format), shown to the
 * admin once, stored sealed like tokens (AES-256-GCM under TOKEN_ENCRYPTION_KEY, bound to the endpoint's row, the
 * key id beside it), and opened only to sign a delivery.
 */

/** A new signing secret: `whsec_` and base64 of 32 random bytes (Standard Webhooks "Signature scheme"). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** The additional authenticated data a secret is sealed with: it opens only in its own endpoint's row. */
export function webhookSecretContext(endpointId: string): string {
  return `webhook_endpoints.secret:${endpointId}`;
}

/** `secret` sealed for endpoint `endpointId`, with the id of the key that sealed it (webhook_endpoints.secret, key_id). */
export function sealWebhookSecret(secret: string, endpointId: string): { secret: string; keyId: string | null } {
  const sealed = seal(secret, getKeyring(), webhookSecretContext(endpointId));
  return { secret: sealed, keyId: sealedKeyId(sealed) };
}

/** Opens a secret sealed by sealWebhookSecret. Throws TokenDecryptionError (wrong key, tampering, another row). */
export function openWebhookSecret(sealed: string, endpointId: string): string {
  return open(sealed, getKeyring(), webhookSecretContext(endpointId));
}
