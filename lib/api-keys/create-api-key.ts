import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { db } from "@/db";
import { API_KEY_SCOPES, apiKeys, type ApiKeyScope } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import type { Result } from "@/lib/result";
import { formatScopes, generateApiKey, parseScopes } from "./key-format";
import type { ApiKeyView } from "./types";

/** What an admin asks for: a name, at least one scope, and an optional expiry instant. */
export interface NewApiKey {
  name: string;
  scopes: ApiKeyScope[];
  expiresAt: Date | null;
}

const newKeySchema = (nowMs: number) =>
  z.object({
    name: z.string().trim().min(1, "Give the key a name, e.g. the system that will use it.").max(100, "Key names are at most 100 characters."),
    scopes: z
      .array(z.enum(API_KEY_SCOPES, { error: "Choose scopes from the list." }))
      .min(1, "Choose at least one scope: a key without scopes can do nothing."),
    expiresAt: z
      .date({ error: "Enter a valid expiry date, or none." })
      .nullable()
      .refine((d) => d === null || d.getTime() > nowMs, "Choose an expiry date in the future, or none."),
  });

/**
 * Creates an API key (format: key-format.ts API_KEY_PATTERN) and records `api_key_created` (detail: name, prefix,
 * scopes; never the key) in one transaction. Resolves to the key as the admin page shows it and `plaintext`, the
 * key itself: the only time it exists outside the caller's hands (only its SHA-256 is stored), so show it once and
 * never log it. A name of 1–100 characters (trimmed), at least one known scope, an expiry after `nowMs`
 * (milliseconds since the epoch) or none; otherwise a Failure with a sentence, and nothing is written. Admins
 * only: throws ForbiddenError for anyone else.
 */
export async function createApiKey(
  admin: SessionUser | null,
  input: NewApiKey,
  nowMs = Date.now(),
): Promise<Result<{ key: ApiKeyView; plaintext: string }>> {
  assertCan(admin, "api_keys.manage");
  const parsed = newKeySchema(nowMs).safeParse(input);
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "The key's details are not valid." };
  const { name, expiresAt } = parsed.data;
  const scopes = formatScopes(parsed.data.scopes);
  const { plaintext, prefix, keyHash } = generateApiKey();
  const row = { id: randomUUID(), name, prefix, keyHash, scopes, createdBy: admin.id, createdAt: new Date(nowMs), expiresAt };
  await db.transaction(async (tx) => {
    await tx.insert(apiKeys).values(row);
    await recordAdminAction({ actorId: admin.id, kind: "api_key_created", detail: `"${name}" (${prefix}): ${scopes}` }, tx);
  });
  const key: ApiKeyView = {
    id: row.id,
    name,
    prefix,
    scopes: parseScopes(scopes),
    createdAt: row.createdAt,
    createdBy: admin.name,
    expiresAt,
    revokedAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    status: "active",
  };
  return { key, plaintext };
}
