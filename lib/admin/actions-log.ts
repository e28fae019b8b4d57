import "server-only";
import { db, type Executor } from "@/db";
import { adminActions, type AdminActionKind, type ServiceId } from "@/db/schema";

/**
 * Appends an admin action to the audit log (never a secret or token in `detail`, which is cut to 500
 * characters). Pass the transaction as `tx` to record it inside one (it then commits or rolls back with it).
 * `actorId` is null when no person acted: an API key (named in `detail`) or TrainLink itself (e.g. a webhook
 * endpoint disabled after failing for days).
 */
export async function recordAdminAction(
  action: { actorId: string | null; targetUserId?: string | null; kind: AdminActionKind; service?: ServiceId | null; detail?: string | null },
  tx: Executor = db,
): Promise<void> {
  await tx.insert(adminActions).values({
    ...action,
    targetUserId: action.targetUserId ?? null,
    service: action.service ?? null,
    detail: action.detail?.slice(0, 1000) ?? null, // room for an outcome and a 500-character revoke reason
    at: new Date(),
  });
}
