import "server-only";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { db } from "@/db";
import { apiKeys } from "@/db/schema";
import type { Result } from "@/lib/result";
import { hashApiKey, parseBearer, parseScopes } from "./key-format";
import { apiKeyStatus, type ApiCaller } from "./types";

/** Why a request's key was refused: no Bearer credentials, not a key's shape, no such key, or a key that no longer works. */
export type ApiKeyRefusal = "missing" | "malformed" | "unknown" | "expired" | "revoked";

/** A key's use is written to its row at most once per this many milliseconds (a minute), per process and in SQL. */
export const LAST_USED_INTERVAL_MS = 60_000;

/** When this process last wrote each key's use (key id → milliseconds since the epoch). */
const lastWritten = new Map<string, number>();

/**
 * Authenticates an API request from its `Authorization` header (`Bearer <key>`, RFC 6750 §2.1; key-format.ts
 * parseBearer). A header that is absent or not Bearer (`missing`) or not a key's shape (`malformed`) is refused
 * without touching the database; otherwise one SELECT through the unique index on `key_hash` (the hash lookup is
 * the comparison: no key is ever compared in clear). Unknown, revoked or expired at `nowMs` (milliseconds since
 * the epoch) keys are refused with their reason.
 *
 * A working key's use (`last_used_at`, `last_used_ip` = `clientIp`) is written at most once a minute per key: an
 * in-memory map skips the write within LAST_USED_INTERVAL_MS of this process's last one, and the UPDATE itself only
 * applies to a row last used before that (so several instances add at most one write per minute each). The hot
 * path is therefore the one indexed SELECT.
 */
export async function authenticateApiKey(
  authorizationHeader: string | null,
  clientIp: string | null,
  nowMs = Date.now(),
): Promise<Result<ApiCaller, ApiKeyRefusal>> {
  const credentials = parseBearer(authorizationHeader);
  if (credentials.kind !== "key") return { error: credentials.kind === "none" ? "missing" : "malformed" };
  const [row] = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, hashApiKey(credentials.key)))
    .limit(1);
  if (!row) return { error: "unknown" };
  const status = apiKeyStatus(row, nowMs);
  if (status !== "active") return { error: status };
  await recordUse(row.id, clientIp, nowMs);
  return { keyId: row.id, name: row.name, prefix: row.prefix, scopes: parseScopes(row.scopes) };
}

/** Writes key `id`'s last use at `nowMs` from `clientIp`, unless written within LAST_USED_INTERVAL_MS (see above). */
async function recordUse(id: string, clientIp: string | null, nowMs: number): Promise<void> {
  const previous = lastWritten.get(id);
  if (previous !== undefined && nowMs - previous < LAST_USED_INTERVAL_MS) return;
  lastWritten.set(id, nowMs);
  const now = new Date(nowMs);
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now, lastUsedIp: clientIp })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(nowMs - LAST_USED_INTERVAL_MS)))));
}

/** Forgets this process's record of written uses (tests: to see the SQL condition alone at work). */
export function forgetRecordedUses(): void {
  lastWritten.clear();
}
