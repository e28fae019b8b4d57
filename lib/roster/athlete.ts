import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, users, type ServiceId } from "@/db/schema";
import { assertCanViewAthlete } from "@/lib/athlete-access";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan, ForbiddenError } from "@/lib/authz";
import { isLiveState } from "@/lib/connections/state-machine";
import { connectionStatus, type ConnectionStatus } from "@/lib/connections/status";
import { env } from "@/lib/env";
import { describeScopes, integrations, type ScopeInfo } from "@/lib/integrations/registry";
import { missingRequiredScopes } from "@/lib/integrations/required-scopes";
import { showsExpiry, statusMessage, type StatusMessage } from "@/lib/messages/connections";
import { splitScope } from "@/lib/integrations/tokens";

/** One service of the athlete detail page. Holds no token, sealed or not. */
export interface AthleteServiceDetail {
  service: ServiceId;
  name: string;
  status: ConnectionStatus;
  grantedScopes: ScopeInfo[];
  /** Requested scopes the service did not grant. */
  missingScopes: ScopeInfo[];
  /** Required scopes (ServiceDefinition.requiredScopes) the service did not grant: why `missing_permissions`. */
  missingPermissions: ScopeInfo[];
  /** Access-token expiry in seconds since the epoch; null when none is known (or not connected). */
  expiresAt: number | null;
  lastRefreshedAt: Date | null;
  /** When the connection last proved to work (linked, refreshed, or a verification request); null when never. */
  lastVerifiedAt: Date | null;
  linkedAt: Date | null;
  /** What the status means for the coach, in plain words (lib/messages); the service's own error stays in the admin's history. */
  message: StatusMessage | null;
  /** False when the page must not say when access expires (the athlete must reconnect, or the access is ending). */
  showExpiry: boolean;
  /** The athlete's account id at the service while linked (never a token); null when none is known. */
  serviceAccount: string | null;
}

/** The coach's page of one athlete (app/(app)/coach/athletes/[id]). */
export interface AthleteDetail {
  id: string;
  name: string;
  email: string;
  /** One per service, in registry order. */
  services: AthleteServiceDetail[];
}

/**
 * What a coach sees of one athlete: name, email and per service the status (at `nowMs`, milliseconds since the
 * epoch), scopes (granted, requested but not granted, required but not granted), expiry and times. Throws ForbiddenError unless `viewer` is a coach (roster.read) with
 * `athleteId` on their roster (assertCanViewAthlete) and the athlete is active; unknown ids get the same error,
 * so existence is never revealed. Token columns are never selected.
 */
export async function getAthleteForCoach(viewer: SessionUser | null, athleteId: string, nowMs = Date.now()): Promise<AthleteDetail> {
  assertCan(viewer, "roster.read");
  await assertCanViewAthlete(viewer, athleteId);
  const athlete = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.id, athleteId), eq(users.role, "athlete"), isNull(users.disabledAt)))
    .limit(1)
    .then(firstRow);
  if (!athlete) throw new ForbiddenError("You may not see this athlete.");
  const rows = await db
    .select({
      provider: accounts.provider,
      state: accounts.state,
      hasToken: sql<boolean>`${accounts.accessToken} IS NOT NULL`.mapWith(Boolean),
      expiresAt: accounts.expiresAt,
      failureCount: accounts.failureCount,
      scope: accounts.scope,
      requestedScope: accounts.requestedScope,
      linkedAt: accounts.linkedAt,
      lastRefreshedAt: accounts.lastRefreshedAt,
      lastVerifiedAt: accounts.lastVerifiedAt,
      providerAccountId: accounts.providerAccountId,
    })
    .from(accounts)
    .where(eq(accounts.userId, athleteId));
  return {
    ...athlete,
    services: integrations().map((integration): AthleteServiceDetail => {
      const row = rows.find((r) => r.provider === integration.id);
      const status = connectionStatus(
        row
          ? {
              provider: row.provider,
              state: row.state,
              accessToken: row.hasToken ? "sealed" : null,
              expiresAt: row.expiresAt,
              failureCount: row.failureCount,
              scope: row.scope,
            }
          : null,
        integration.credentials !== null,
        nowMs,
        env.REFRESH_MARGIN_SECONDS,
      );
      // As on the athlete's own card (lib/connections/card.ts): scopes and expiry only for a held connection.
      const live = row && isLiveState(row.state) ? row : null;
      const held = live?.hasToken ? live : null;
      const granted = held ? splitScope(held.scope ?? "") : [];
      const requested = held ? splitScope(held.requestedScope ?? "") : [];
      return {
        service: integration.id,
        name: integration.name,
        status,
        grantedScopes: describeScopes(granted, integration.scopes),
        missingScopes: describeScopes(
          requested.filter((s) => !granted.includes(s)),
          integration.scopes,
        ),
        missingPermissions: describeScopes(held ? missingRequiredScopes(integration.id, held.scope) : [], integration.scopes),
        expiresAt: held?.expiresAt ?? null,
        lastRefreshedAt: row?.lastRefreshedAt ?? null,
        lastVerifiedAt: held?.lastVerifiedAt ?? null,
        linkedAt: held?.linkedAt ?? null,
        message: statusMessage(status, integration.name, "coach", integration.flow),
        showExpiry: showsExpiry(status),
        serviceAccount: live?.providerAccountId ?? null,
      };
    }),
  };
}
