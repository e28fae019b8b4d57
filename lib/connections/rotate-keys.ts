import { firstRow } from "@/db/first";
import { and, eq } from "drizzle-orm";
import type { AppDatabase } from "@/db";
import { accounts, appCredentials, webhookEndpoints } from "@/db/schema";
import { open, seal, sealedKeyId, type Keyring } from "@/lib/crypto";
import { resealTokens } from "@/lib/connections/transitions";
import { webhookSecretContext } from "@/lib/webhooks/secret";

/**
 * Re-seals every stored token (connection access and refresh tokens, app-level credentials, webhook signing secrets) that is not
 * sealed under `keyring.current`, opening it with whichever listed key sealed it. Each row is rewritten in
 * its own transaction, re-reading it first, so a refresh running at the same time is never
 * overwritten with stale tokens. Resolves to how many rows were re-sealed and how many were already current.
 * Throws TokenDecryptionError (naming the key id) when a value was sealed with a key the keyring lacks:
 * then nothing of that row changes, and the old key must stay listed.
 */
export async function rotateKeys(database: AppDatabase, keyring: Keyring): Promise<{ resealed: number; current: number }> {
  let resealed = 0;
  let current = 0;
  const ids = await database.select({ id: accounts.id }).from(accounts);
  for (const { id } of ids) {
    await database.transaction(async (tx) => {
      const row = await tx.select().from(accounts).where(eq(accounts.id, id)).limit(1).then(firstRow);
      if (!row || (!row.accessToken && !row.refreshToken)) return;
      const stale = [row.accessToken, row.refreshToken].some((v) => v && sealedKeyId(v) !== keyring.current.id);
      if (!stale) {
        current += 1;
        return;
      }
      const reseal = (value: string | null, field: "access_token" | "refresh_token") => {
        if (!value) return null;
        const context = `accounts.${field}:${row.id}`;
        return seal(open(value, keyring, context), keyring, context);
      };
      await resealTokens(tx, row.id, {
        accessToken: reseal(row.accessToken, "access_token"),
        refreshToken: reseal(row.refreshToken, "refresh_token"),
      });
      resealed += 1;
    });
  }
  for (const credential of await database.select().from(appCredentials)) {
    if (sealedKeyId(credential.value) === keyring.current.id) {
      current += 1;
      continue;
    }
    const context = `app_credentials.${credential.service}.${credential.kind}`;
    const value = seal(open(credential.value, keyring, context), keyring, context);
    await database
      .update(appCredentials)
      .set({ value, keyId: sealedKeyId(value) })
      .where(and(eq(appCredentials.service, credential.service), eq(appCredentials.kind, credential.kind)));
    resealed += 1;
  }
  for (const endpoint of await database.select({ id: webhookEndpoints.id, secret: webhookEndpoints.secret }).from(webhookEndpoints)) {
    if (sealedKeyId(endpoint.secret) === keyring.current.id) {
      current += 1;
      continue;
    }
    const context = webhookSecretContext(endpoint.id);
    const secret = seal(open(endpoint.secret, keyring, context), keyring, context);
    await database
      .update(webhookEndpoints)
      .set({ secret, keyId: sealedKeyId(secret) })
      .where(and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.secret, endpoint.secret)));
    resealed += 1;
  }
  return { resealed, current };
}
