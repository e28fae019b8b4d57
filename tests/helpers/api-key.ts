import { createHash, randomBytes, randomUUID } from "node:crypto";
import { db } from "@/db";
import { apiKeys, API_KEY_SCOPES, type ApiKeyScope } from "@/db/schema";

/**
 * Inserts an API key row the way the API-keys page stores one (prefix `tlk_<8 hex>`, SHA-256 hex of the whole
 * key, scopes space-separated) and returns the key in clear with its row's id, name and prefix. All scopes by
 * default; `revoked` stores it already revoked.
 */
export async function insertApiKey(options: { name?: string; scopes?: readonly ApiKeyScope[]; revoked?: boolean } = {}) {
  const prefix = `tlk_${randomBytes(4).toString("hex")}`;
  const key = `${prefix}_${randomBytes(32).toString("base64url")}`;
  const id = randomUUID();
  const name = options.name ?? `Test key ${prefix}`;
  await db.insert(apiKeys).values({
    id,
    name,
    prefix,
    keyHash: createHash("sha256").update(key).digest("hex"),
    scopes: (options.scopes ?? API_KEY_SCOPES).join(" "),
    revokedAt: options.revoked ? new Date() : null,
  });
  return { id, key, name, prefix };
}
