import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { accounts, type ServiceId } from "@/db/schema";
import { env } from "@/lib/env";
import { describeScopes, integrations, type ScopeInfo } from "@/lib/integrations/registry";
import { missingRequiredScopes } from "@/lib/integrations/required-scopes";
import { splitScope } from "@/lib/integrations/tokens";
import { isLiveState } from "@/lib/connections/state-machine";
import { connectionStatus, type ConnectionStatus } from "@/lib/connections/status";

/** What a connection card shows. Holds no token, sealed or not: safe to pass to any component. */
export interface ConnectionCardData {
  service: ServiceId;
  name: string;
  flow: "authorization_code" | "token_in_callback" | "server_to_server";
  status: ConnectionStatus;
  /** True when the athlete can start linking from the card (configured, and the flow is built). */
  canConnect: boolean;
  /** Why Connect is not offered, when it is not. */
  connectHint: string | null;
  grantedScopes: ScopeInfo[];
  /** Requested scopes the service did not grant. */
  missingScopes: ScopeInfo[];
  /** Required scopes (ServiceDefinition.requiredScopes) the service did not grant: why `missing_permissions`. */
  missingPermissions: ScopeInfo[];
  linkedAt: Date | null;
  /** Access-token expiry in seconds since the epoch; null when the service gives none. */
  expiresAt: number | null;
  environment: string;
  /** True when the athlete can ask for a refresh now (the service refreshes and a refresh token is held). */
  canRefresh: boolean;
  lastRefreshedAt: Date | null;
  /** When the connection last proved to work (linked, refreshed, or a verification request); null when never. */
  lastVerifiedAt: Date | null;
  /** The last refresh or revocation error, in words, and when it happened. */
  lastError: string | null;
  lastErrorAt: Date | null;
  nextAttemptAt: Date | null;
  /** When the service last said the athlete's plan changed (enduco webhook). */
  planChangedAt: Date | null;
  /** The athlete's account id at the service (never a token), while linked; null when the service gives none. */
  serviceAccount: string | null;
}

/** The four cards of `athleteId`'s connections page, in registry order. */
export async function listConnectionCards(athleteId: string): Promise<ConnectionCardData[]> {
  const rows = await db.select().from(accounts).where(eq(accounts.userId, athleteId));
  return integrations().map((integration) => {
    const row = rows.find((r) => r.provider === integration.id);
    const configured = integration.credentials !== null;
    const status = connectionStatus(row, configured, Date.now(), env.REFRESH_MARGIN_SECONDS);
    const live = row && isLiveState(row.state) ? row : null;
    const connected = live?.accessToken ? live : null;
    const granted = connected ? splitScope(connected.scope ?? "") : [];
    const requested = connected ? splitScope(connected.requestedScope ?? "") : [];
    const byAdmin = integration.flow === "server_to_server";
    return {
      service: integration.id,
      name: integration.name,
      flow: integration.flow,
      status,
      canConnect: configured && !byAdmin,
      connectHint: byAdmin
        ? `Your coach or an administrator links ${integration.name} for you, from your ${integration.name} user ID.`
        : !configured
          ? `${integration.name} has no client credentials configured on this server.`
          : null,
      grantedScopes: describeScopes(granted, integration.scopes),
      missingScopes: describeScopes(
        requested.filter((s) => !granted.includes(s)),
        integration.scopes,
      ),
      missingPermissions: describeScopes(connected ? missingRequiredScopes(integration.id, connected.scope) : [], integration.scopes),
      linkedAt: connected?.linkedAt ?? null,
      expiresAt: connected?.expiresAt ?? null,
      environment: integration.environment,
      canRefresh: Boolean(connected?.state === "connected" && connected.refreshToken && integration.refresh),
      lastRefreshedAt: row?.lastRefreshedAt ?? null,
      lastVerifiedAt: connected?.lastVerifiedAt ?? null,
      lastError: live?.lastError ?? null,
      lastErrorAt: live?.lastErrorAt ?? null,
      nextAttemptAt: live?.nextAttemptAt ?? null,
      planChangedAt: row?.planChangedAt ?? null,
      serviceAccount: live?.providerAccountId ?? null,
    };
  });
}
