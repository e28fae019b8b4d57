import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { db } from "@/db";
import { connectionEvents, reconnectRequests } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { eventRow } from "@/lib/connections/events";

/**
 * Marks request `requestId` opened when `viewer` is its athlete and it is still `sent` (the athlete followed the
 * mail's link to /connections?request=<id>): one conditional UPDATE (status and athlete in its WHERE, so a
 * second load, another instance, or someone else's id changes nothing) with its `reconnect_request_opened`
 * event, in one transaction, at `nowMs` (milliseconds since the epoch). Resolves to true when it moved. Never
 * throws for an unknown, foreign or malformed id: the page loads as usual.
 */
export async function openReconnectRequest({
  requestId,
  viewer,
  nowMs = Date.now(),
}: {
  requestId: string;
  viewer: SessionUser;
  nowMs?: number;
}): Promise<boolean> {
  if (viewer.role !== "athlete" || requestId.length > 100) return false;
  const at = new Date(nowMs);
  return db.transaction(async (tx) => {
    const [moved] = await tx
      .update(reconnectRequests)
      .set({ status: "opened", openedAt: at })
      .where(
        and(
          eq(reconnectRequests.id, requestId),
          eq(reconnectRequests.athleteId, viewer.id),
          eq(reconnectRequests.status, "sent"),
          isNull(reconnectRequests.closedAt),
        ),
      )
      .returning({ service: reconnectRequests.service });
    if (!moved) return false;
    await tx.insert(connectionEvents).values(
      eventRow(
        {
          actorId: viewer.id,
          athleteId: viewer.id,
          service: moved.service,
          kind: "reconnect_request_opened",
          detail: "opened from the request's link",
        },
        at,
      ),
    );
    return true;
  });
}
