"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { bulkFilterSchema } from "@/lib/admin/bulk-filter";
import { BULK_REVOKE_MAX, revokeNextBatch, startBulkRevoke } from "@/lib/admin/bulk-revoke";
import { authedAction } from "@/lib/actions";

const confirmed = z.coerce
  .number({ error: "The confirmed count is missing; reload the page and try again." })
  .int()
  .min(1, "There is nothing to revoke.")
  .max(BULK_REVOKE_MAX, `A bulk revoke covers at most ${BULK_REVOKE_MAX.toLocaleString("en-US")} connections.`);

/** Records the start of a bulk revoke of `confirmed` connections matching the list's filters (admins only). */
export const startBulkRevokeAction = authedAction(
  "connections.revoke_any",
  bulkFilterSchema.extend({ confirmed }),
  async ({ confirmed: count, ...filter }, admin) => startBulkRevoke(admin, filter, count),
);

/**
 * Revokes the next batch of a bulk revoke (admins only): the client sends the run's filters, confirmed count,
 * attempts so far and last id, and calls again until `done`; revokeNextBatch re-checks each bound.
 */
export const bulkRevokeBatchAction = authedAction(
  "connections.revoke_any",
  bulkFilterSchema.extend({
    confirmed,
    processed: z.coerce.number().int().min(0).max(BULK_REVOKE_MAX),
    after: z.string().max(100).optional(),
  }),
  async ({ confirmed: count, processed, after, ...filter }, admin) => {
    const batch = await revokeNextBatch(admin, { filter, confirmed: count, processed, after: after ?? null });
    if (!batch.busy && batch.done) revalidatePath("/admin", "layout");
    return batch;
  },
);
