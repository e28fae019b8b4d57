import "server-only";
import { db } from "@/db";
import { adminActions, type AdminActionKind, type ServiceId } from "@/db/schema";

/** Appends an admin action to the audit log (never a secret or token in `detail`). Usable inside a transaction. */
export function recordAdminAction(
  action: { actorId: string; targetUserId?: string | null; kind: AdminActionKind; service?: ServiceId | null; detail?: string | null },
  tx: Pick<typeof db, "insert"> = db,
): void {
  tx.insert(adminActions)
    .values({
      ...action,
      targetUserId: action.targetUserId ?? null,
      service: action.service ?? null,
      detail: action.detail?.slice(0, 500) ?? null,
      at: new Date(),
    })
    .run();
}
