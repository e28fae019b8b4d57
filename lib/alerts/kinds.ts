import type { Account, AlertKind, ServiceId } from "@/db/schema";
import { missingRequiredScopes } from "@/lib/integrations/required-scopes";

/** What a connection row must hold for alertKindOf. */
export type AlertRow = Pick<Account, "provider" | "state" | "accessToken" | "failureCount" | "failingSince" | "scope">;

/**
 * Why the connection needs its athlete at `nowMs` (milliseconds since the epoch), or null when it does not:
 * - stored state needs_reauth or revoked_by_service: that;
 * - connected with refreshes failing since at least `quietMs` milliseconds ago: `refresh_failing` (a shorter run of
 *   failures is TrainLink's to retry, not the athlete's: the quiet period keeps one bad minute of a service from
 *   mailing every athlete);
 * - connected, refreshing fine, but the granted scope lacks a scope the product needs: `missing_permissions`.
 * Disconnected and revocation_pending connections need nobody (the athlete chose to end them).
 */
export function alertKindOf(row: AlertRow, nowMs: number, quietMs: number): AlertKind | null {
  if (row.state === "needs_reauth" || row.state === "revoked_by_service") return row.state;
  if (row.state !== "connected" || !row.accessToken) return null;
  if (row.failureCount > 0) return row.failingSince && nowMs - row.failingSince.getTime() >= quietMs ? "refresh_failing" : null;
  return missingRequiredScopes(row.provider, row.scope).length > 0 ? "missing_permissions" : null;
}

/** What an alert says to the athlete, in plain words: a headline and what to do. */
export function alertWords(kind: AlertKind, serviceName: string): { headline: string; todo: string; action: string } {
  switch (kind) {
    case "needs_reauth":
      return {
        headline: `${serviceName} stopped accepting TrainLink`,
        todo: `Reconnect ${serviceName} so your coach keeps seeing your training.`,
        action: `Reconnect ${serviceName}`,
      };
    case "revoked_by_service":
      return {
        headline: `${serviceName} ended TrainLink's access`,
        todo: `Connect ${serviceName} again if you want it linked.`,
        action: `Connect ${serviceName}`,
      };
    case "missing_permissions":
      return {
        headline: `${serviceName} is missing permissions TrainLink needs`,
        todo: `Grant the missing permissions so your coach sees everything.`,
        action: `Grant permissions`,
      };
    case "refresh_failing":
      return {
        headline: `${serviceName} has not answered TrainLink for a while`,
        todo: `TrainLink keeps retrying. If it does not recover, reconnect ${serviceName}.`,
        action: `Open ${serviceName}`,
      };
  }
}

/** The path of a service's card on the athlete's page (links in mail and banners). */
export function cardPath(service: ServiceId): string {
  return `/connections#service-${service}`;
}
