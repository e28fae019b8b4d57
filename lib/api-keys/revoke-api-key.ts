import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { db } from "@/db";
import { apiKeys } from "@/db/schema";
import { recordAdminAction } from "@/lib/admin/actions-log";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import type { Outcome } from "@/lib/result";

/**
 * Revokes API key `id` at once: every later request with it is refused (each request reads the key's row, so
 * this holds on every instance). One conditional UPDATE (`… WHERE revoked_at IS NULL`) and `api_key_revoked` in
 * one transaction, so two concurrent revocations record one action. A key revoked already: Done saying so,
 * nothing written. An unknown id: a Failure. Admins only: throws ForbiddenError for anyone else.
 */
export async function revokeApiKey(admin: SessionUser | null, id: string): Promise<Outcome> {
  assertCan(admin, "api_keys.manage");
  return db.transaction(async (tx): Promise<Outcome> => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning({ name: apiKeys.name, prefix: apiKeys.prefix });
    if (!revoked) {
      const [existing] = await tx.select({ name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
      if (!existing) return { error: "That API key does not exist any more. Reload the page." };
      return { ok: `“${existing.name}” was already revoked; nothing changed.` };
    }
    await recordAdminAction({ actorId: admin.id, kind: "api_key_revoked", detail: `"${revoked.name}" (${revoked.prefix})` }, tx);
    return { ok: `“${revoked.name}” is revoked: integrations using it are refused from now on.` };
  });
}
