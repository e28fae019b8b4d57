"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { API_KEY_SCOPES } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { authedAction } from "@/lib/actions";
import { failed } from "@/lib/result";

/** What the create form gets back once: the key itself, to show in the one-time dialog (never stored, never logged). */
export type CreatedApiKey = { ok: string; name: string; prefix: string; plaintext: string };

/**
 * Creates an API key from the form (`name`, one `scope.<scope>` checkbox per scope, optional `expires` as
 * YYYY-MM-DD: the key works until the end of that day, UTC). Returns the plaintext key this one time only: the page
 * itself never has it. Admins only.
 */
export const createApiKeyAction = authedAction(
  "api_keys.manage",
  z.looseObject({
    name: z.string({ error: "Give the key a name." }).max(200, "Key names are at most 100 characters."),
    expires: z.union([z.literal(""), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the expiry as a date, e.g. 2027-01-31.")]).default(""),
  }),
  async (input, admin): Promise<CreatedApiKey | { error: string }> => {
    const scopes = API_KEY_SCOPES.filter((scope) => input[`scope.${scope}`] === "on");
    const expiresAt = input.expires ? new Date(`${input.expires}T23:59:59.999Z`) : null;
    const created = await createApiKey(admin, { name: input.name, scopes, expiresAt });
    if (failed(created)) return created;
    revalidatePath("/admin/api-keys");
    const { name, prefix } = created.key;
    return { ok: `API key “${name}” (${prefix}…) created.`, name, prefix, plaintext: created.plaintext };
  },
);

/** Revokes an API key at once (admins only). */
export const revokeApiKeyAction = authedAction(
  "api_keys.manage",
  z.object({ keyId: z.string({ error: "Choose a key." }).min(1, "Choose a key.").max(100) }),
  async ({ keyId }, admin) => {
    const result = await revokeApiKey(admin, keyId);
    revalidatePath("/admin/api-keys");
    return result;
  },
);
