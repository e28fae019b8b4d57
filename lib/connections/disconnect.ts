import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { accounts, type ServiceId } from "@/db/schema";
import { getIntegration, isAuthorizationCode } from "@/lib/integrations";
import { ServiceError } from "@/lib/integrations/http";
import { recordEvent } from "./events";
import { openToken } from "./sealing";

export type DisconnectResult =
  | { ok: true; revoked: boolean; note?: string }
  | { ok: false; error: string };

/**
 * Disconnects `athleteId` from `service` on behalf of `actorId`: revokes at the service where it documents
 * an endpoint (RFC 7009; TrainerDay sends the access token, enduco the refresh token), then wipes the sealed
 * tokens and records a `disconnected` event. If revocation fails the tokens are kept, a
 * `revocation_failed` event is written and `{ ok: false, error }` says what to do. Services without a
 * revocation endpoint are wiped at once and the result carries a note telling the athlete to remove access
 * at the service too. No database transaction is held open across the HTTP call.
 */
export async function disconnectConnection(input: { athleteId: string; actorId: string; service: ServiceId }): Promise<DisconnectResult> {
  const { athleteId, actorId, service } = input;
  const integration = getIntegration(service);
  const row = db
    .select()
    .from(accounts)
    .where(and(eq(accounts.userId, athleteId), eq(accounts.provider, service), eq(accounts.state, "connected")))
    .get();
  if (!row) return { ok: false, error: `${integration.name} is not connected.` };

  let revoked = false;
  if (isAuthorizationCode(integration) && integration.revocation !== "none") {
    try {
      await integration.revoke({
        accessToken: row.accessToken ? openToken(row.accessToken, row.id, "access_token") : null,
        refreshToken: row.refreshToken ? openToken(row.refreshToken, row.id, "refresh_token") : null,
      });
      revoked = true;
    } catch (error) {
      const message = error instanceof ServiceError ? error.message : "the stored token could not be read";
      recordEvent({ actorId, athleteId, service, kind: "revocation_failed", detail: message });
      return {
        ok: false,
        error:
          error instanceof ServiceError && error.transient
            ? `${integration.name} could not be reached to revoke access (${message}). Your connection is kept; please try again in a few minutes.`
            : `${integration.name} did not confirm the revocation (${message}). Your connection is kept; please try again, or contact an administrator if this persists.`,
      };
    }
  }

  db.transaction(
    (tx) => {
      tx.update(accounts)
        .set({
          accessToken: null,
          refreshToken: null,
          keyId: null,
          expiresAt: null,
          state: "disconnected",
          refreshLeaseUntil: null,
          updatedAt: new Date(),
        })
        .where(eq(accounts.id, row.id))
        .run();
      recordEvent(
        {
          actorId,
          athleteId,
          service,
          kind: "disconnected",
          detail: revoked ? "revoked at the service" : "no revocation endpoint documented; tokens wiped locally",
        },
        tx,
      );
    },
    { behavior: "immediate" },
  );
  return { ok: true, revoked, note: revoked ? undefined : integration.disconnectNote };
}
