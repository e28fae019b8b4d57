import "server-only";
import { desc, eq } from "drizzle-orm";
import { db } from "@/db";
import { apiKeys, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { parseScopes } from "./key-format";
import { apiKeyStatus, type ApiKeyView } from "./types";

/** At most this many keys are listed (a club has a handful; the list is not paged). */
export const API_KEYS_LIST_LIMIT = 500;

/**
 * Every API key (at most API_KEYS_LIST_LIMIT), newest first, as ApiKeyView: the creator's name, the status at
 * `nowMs` (milliseconds since the epoch), the last recorded use. Never reads the key hash. Admins only: throws
 * ForbiddenError for anyone else.
 */
export async function listApiKeys(admin: SessionUser | null, nowMs = Date.now()): Promise<ApiKeyView[]> {
  assertCan(admin, "api_keys.manage");
  const rows = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      createdAt: apiKeys.createdAt,
      createdBy: users.name,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
      lastUsedIp: apiKeys.lastUsedIp,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(API_KEYS_LIST_LIMIT);
  return rows.map((row) => ({ ...row, scopes: parseScopes(row.scopes), status: apiKeyStatus(row, nowMs) }));
}
