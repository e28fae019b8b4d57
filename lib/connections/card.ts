import "server-only";
import { and, desc, eq, gte, isNotNull, or, type SQL } from "drizzle-orm";
import { db } from "@/db";
import { accounts, adminActions, type Account, type ServiceId } from "@/db/schema";
import { reasonFromDetail } from "@/lib/admin/revoke-reason";
import { env } from "@/lib/env";
import { describeScopes, integrations, type ScopeInfo } from "@/lib/integrations/registry";
import { missingRequiredScopes } from "@/lib/integrations/required-scopes";
import { splitScope } from "@/lib/integrations/tokens";
import { isLiveState } from "@/lib/connections/state-machine";
import { connectionStatus, type ConnectionStatus } from "@/lib/connections/status";
import { disconnectDialogText, showsExpiry, statusMessage, type StatusMessage } from "@/lib/messages/connections";

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
  /** False when the card must not say when access expires (it needs a reconnect, or the access is ending or gone). */
  showExpiry: boolean;
  environment: string;
  /** True when the athlete can ask for a refresh now (the service refreshes and a refresh token is held). */
  canRefresh: boolean;
  lastRefreshedAt: Date | null;
  /** When the connection last proved to work (linked, refreshed, or a verification request); null when never. */
  lastVerifiedAt: Date | null;
  /**
   * What the status means and what happens next, in plain words from the message catalogue (lib/messages): the
   * card's one explanation of a problem. The service's own error stays in the admin's history.
   */
  message: StatusMessage | null;
  /** The Disconnect dialog's text: only what this service can do (lib/messages disconnectDialogText). */
  disconnectText: string;
  /**
   * When an administrator revoked this connection (milliseconds since the epoch) and the reason they gave, while
   * it stays disconnected; null otherwise.
   */
  adminRevoke: { atMs: number; reason: string } | null;
  /** When the service last said the athlete's plan changed (enduco webhook). */
  planChangedAt: Date | null;
  /** The athlete's account id at the service (never a token), while linked; null when the service gives none. */
  serviceAccount: string | null;
}

/** The four cards of `athleteId`'s connections page, in registry order. */
export async function listConnectionCards(athleteId: string): Promise<ConnectionCardData[]> {
  const rows = await db.select().from(accounts).where(eq(accounts.userId, athleteId));
  const revokes = await adminRevocations(athleteId, rows);
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
          ? `${integration.name} is not set up on this server yet: an administrator needs to add it.`
          : null,
      grantedScopes: describeScopes(granted, integration.scopes),
      missingScopes: describeScopes(
        requested.filter((s) => !granted.includes(s)),
        integration.scopes,
      ),
      missingPermissions: describeScopes(connected ? missingRequiredScopes(integration.id, connected.scope) : [], integration.scopes),
      linkedAt: connected?.linkedAt ?? null,
      expiresAt: connected?.expiresAt ?? null,
      showExpiry: showsExpiry(status),
      environment: integration.environment,
      canRefresh: Boolean(connected?.state === "connected" && connected.refreshToken && integration.refresh),
      lastRefreshedAt: row?.lastRefreshedAt ?? null,
      lastVerifiedAt: connected?.lastVerifiedAt ?? null,
      message: statusMessage(status, integration.name, "athlete", integration.flow),
      disconnectText: disconnectDialogText(integration),
      adminRevoke: status === "not_connected" ? (revokes.get(integration.id) ?? null) : null,
      planChangedAt: row?.planChangedAt ?? null,
      serviceAccount: live?.providerAccountId ?? null,
    };
  });
}

/**
 * The administrators' revocations (with a reason) of `athleteId`'s disconnected connections among `rows`, by
 * service: the newest `connection_revoked` admin action of a person (not an API key) since the connection was last
 * linked. Reads through the admin_actions `at` index, from the earliest such link time.
 */
async function adminRevocations(athleteId: string, rows: Account[]): Promise<Map<ServiceId, { atMs: number; reason: string }>> {
  const ended = rows.filter((r) => r.state === "disconnected" && r.linkedAt !== null);
  const found = new Map<ServiceId, { atMs: number; reason: string }>();
  if (ended.length === 0) return found;
  const since: SQL[] = ended.map((r) => and(eq(adminActions.service, r.provider), gte(adminActions.at, r.linkedAt!))!);
  const actions = await db
    .select({ service: adminActions.service, at: adminActions.at, detail: adminActions.detail })
    .from(adminActions)
    .where(and(eq(adminActions.kind, "connection_revoked"), eq(adminActions.targetUserId, athleteId), isNotNull(adminActions.actorId), or(...since)))
    .orderBy(desc(adminActions.at), desc(adminActions.id))
    .limit(20);
  for (const action of actions) {
    const reason = reasonFromDetail(action.detail);
    if (action.service && reason && !found.has(action.service)) found.set(action.service, { atMs: action.at.getTime(), reason });
  }
  return found;
}
