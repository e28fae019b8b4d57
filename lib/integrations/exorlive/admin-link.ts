import "server-only";
import type { Outcome } from "@/lib/result";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { users, type ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { getIntegration, isServerToServer } from "@/lib/integrations/registry";
import { ServiceError } from "@/lib/integrations/http";
import { recordAdminAction } from "@/lib/admin/actions-log";
import { recordEvent } from "@/lib/connections/events";
import { LinkError, storeLinkedConnection } from "@/lib/linking/store";

/** What the admin reads after a server-to-server link: lib/result.ts Outcome. */
export type AdminLinkResult = Outcome;

/** The sentence an admin reads when the service refused a server-to-server link. */
function adminLinkError(error: unknown, name: string, userId: string): string {
  if (error instanceof LinkError && error.code === "account_in_use") {
    return `${name} user ${userId} is already linked to another athlete. Nothing was changed.`;
  }
  if (error instanceof LinkError && error.code === "revocation_pending") {
    return `This athlete's earlier ${name} connection is still being disconnected (${name} could not be reached). Nothing was changed; try again in a few minutes.`;
  }
  if (!(error instanceof ServiceError)) return `Linking ${name} failed on our side. Nothing was stored; please try again.`;
  if (error.oauthError === "invalid_user" || error.status === 404) {
    return `${name} does not know user ID ${userId}. Check the ID in ${name} and try again. Nothing was stored.`;
  }
  if (error.kind === "invalid_client") {
    return `${name} refused this app's credentials (client id, secret or requester URL). Nothing was stored; check the ${name} configuration.`;
  }
  if (error.transient) return `${name} could not be reached (${error.message}). Nothing was stored; try again in a few minutes.`;
  if (error.kind === "malformed") return `${name} answered with something we could not read (${error.message}). Nothing was stored.`;
  return `${name} refused the link (${error.message}). Nothing was stored.`;
}

/**
 * Links `athleteId` to a server-to-server service (ExorLive) as the admin `admin`, from the athlete's user id
 * at that service (docs/provider-docs/exorlive.txt: Authorize.aspx → {code} → Token.ashx). Only admins may do
 * this, because the client secret can mint a token for any user id of the partner. Every outcome writes an
 * audit event with the admin as actor; on any failure nothing is stored and the result says what to do.
 * Throws ForbiddenError for a non-admin.
 */
export async function linkServerToServer(input: {
  admin: SessionUser;
  athleteId: string;
  service: ServiceId;
  serviceUserId: string;
}): Promise<AdminLinkResult> {
  const { admin, athleteId, service, serviceUserId } = input;
  assertCan(admin, "connections.link_for_athlete");
  const integration = getIntegration(service);
  if (!isServerToServer(integration)) return { error: `${integration.name} is not linked by an administrator.` };
  const athlete = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.id, athleteId), eq(users.role, "athlete")))
    .limit(1)
    .then(firstRow);
  if (!athlete) return { error: "Choose an athlete to link." };
  if (!integration.credentials)
    return { error: `${integration.name} is not configured on this server: set its client id, secret and requester URL.` };
  try {
    const exchange = await integration.linkUser(serviceUserId);
    await storeLinkedConnection({
      athleteId,
      actorId: admin.id,
      integration,
      tokens: exchange.tokens,
      accountId: exchange.accountId,
      note: exchange.note,
    });
  } catch (error) {
    const message = adminLinkError(error, integration.name, serviceUserId);
    await recordEvent({ actorId: admin.id, athleteId, service, kind: "link_failed", detail: error instanceof Error ? error.message : "link failed" });
    return { error: message };
  }
  await recordAdminAction({
    actorId: admin.id,
    targetUserId: athleteId,
    kind: "exorlive_linked",
    service,
    detail: `${integration.name} user ${serviceUserId}`,
  });
  return { ok: `${integration.name} is linked for ${athlete.name} (${integration.name} user ${serviceUserId}).` };
}
