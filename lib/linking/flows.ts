import "server-only";
import type { Result } from "@/lib/result";
import { createHash } from "node:crypto";
import { and, eq, isNull, lt } from "drizzle-orm";
import { db } from "@/db";
import { oauthFlows, type ServiceId } from "@/db/schema";

/** How long an authorization request may take from Connect to callback, in milliseconds (15 minutes). */
export const FLOW_LIFETIME_MS = 15 * 60 * 1000;

/** How long a flow's row is kept after it expired or was consumed, in milliseconds (a day, for support). */
export const FLOW_RETENTION_MS = 24 * 3600 * 1000;

function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

/**
 * Records that `userId` sent the browser to `service` with `state`, so the callback can check that the
 * state is known, meant for this service (mix-up defence, RFC 9700 §4.4), started by the same user, and
 * used once (§4.7). Only the SHA-256 of the state is stored, with next-auth's `checkCookies` of this flow
 * when given (see oauthFlows.checkCookies). Also drops flows older than a day.
 */
export async function recordLinkFlow(input: {
  state: string;
  service: ServiceId;
  userId: string;
  returnTo: string;
  checkCookies?: Record<string, string>;
}) {
  const now = Date.now();
  await db.transaction(async (tx) => {
    await tx.delete(oauthFlows).where(lt(oauthFlows.createdAt, new Date(now - FLOW_RETENTION_MS)));
    await tx.insert(oauthFlows).values({
      stateHash: hashState(input.state),
      service: input.service,
      userId: input.userId,
      returnTo: input.returnTo,
      checkCookies: input.checkCookies && Object.keys(input.checkCookies).length > 0 ? input.checkCookies : null,
      createdAt: new Date(now),
      expiresAt: new Date(now + FLOW_LIFETIME_MS),
    });
  });
}

/** The flow's return path and check cookies, or why the state is refused (a reason code). */
export type FlowCheck = Result<
  { returnTo: string; checkCookies: Record<string, string> },
  "missing" | "unknown" | "replayed" | "expired" | "wrong_service" | "wrong_user"
>;

/**
 * Consumes the flow whose state is `state`: succeeds at most once per state, and only for the service and
 * user that started it and within FLOW_LIFETIME_MS. Any state that is found is marked consumed, even when
 * the check fails, so a refused state can never be retried.
 */
export async function consumeLinkFlow(input: { state: string | null | undefined; service: ServiceId; userId: string }): Promise<FlowCheck> {
  if (!input.state) return { error: "missing" };
  const stateHash = hashState(input.state);
  // One conditional UPDATE consumes the state, so of two callbacks racing with it (two instances) only one wins.
  const [flow] = await db
    .update(oauthFlows)
    .set({ consumedAt: new Date() })
    .where(and(eq(oauthFlows.stateHash, stateHash), isNull(oauthFlows.consumedAt)))
    .returning();
  if (!flow) {
    const known = await db.select({ stateHash: oauthFlows.stateHash }).from(oauthFlows).where(eq(oauthFlows.stateHash, stateHash)).limit(1);
    return { error: known.length > 0 ? "replayed" : "unknown" };
  }
  if (flow.service !== input.service) return { error: "wrong_service" };
  if (flow.userId !== input.userId) return { error: "wrong_user" };
  if (flow.expiresAt.getTime() < Date.now()) return { error: "expired" };
  return { returnTo: flow.returnTo, checkCookies: flow.checkCookies ?? {} };
}
