import { SERVICE_IDS, type ServiceId } from "@/db/schema";
import { enduco } from "@/lib/integrations/enduco/client";
import { exorlive } from "@/lib/integrations/exorlive/client";
import { fitrankings } from "@/lib/integrations/fitrankings/client";
import { trainerday } from "@/lib/integrations/trainerday/client";
import type {
  AuthorizationCodeIntegration,
  Integration,
  ScopeInfo,
  ServerToServerIntegration,
  TokenInCallbackIntegration,
} from "@/lib/integrations/types";

export type {
  AuthorizationCodeIntegration,
  Integration,
  ScopeInfo,
  ServerToServerIntegration,
  TokenInCallbackIntegration,
} from "@/lib/integrations/types";

let registry: ReadonlyMap<ServiceId, Integration> | undefined;

/** All four services in display order, built from env once per process. */
export function integrations(): readonly Integration[] {
  registry ??= new Map([trainerday(), enduco(), fitrankings(), exorlive()].map((i) => [i.id, i]));
  return [...registry.values()];
}

/** The integration for `id`. Throws when `id` is not one of the four service ids. */
export function getIntegration(id: ServiceId): Integration {
  const found = integrations().find((i) => i.id === id);
  if (!found) throw new Error(`Unknown service: ${id}`);
  return found;
}

/** Scope ids with their descriptions from `catalogue`; ids the service's doc does not describe say so. */
export function describeScopes(ids: readonly string[], catalogue: readonly ScopeInfo[]): ScopeInfo[] {
  return ids.map((id) => catalogue.find((s) => s.id === id) ?? { id, description: "Not described in the service's documentation" });
}

/** The service id `value` names, or null when it is not one of the four. */
export function parseServiceId(value: unknown): ServiceId | null {
  return typeof value === "string" && (SERVICE_IDS as readonly string[]).includes(value) ? (value as ServiceId) : null;
}

/** Narrows to services linked with the browser authorization-code flow (TrainerDay, enduco). */
export function isAuthorizationCode(integration: Integration): integration is AuthorizationCodeIntegration {
  return integration.flow === "authorization_code";
}

/** The authorization-code integration for `id`, or null when `id` is not such a service. */
export function findAuthorizationCodeIntegration(id: string): AuthorizationCodeIntegration | null {
  const found = integrations().find((i) => i.id === id);
  return found && isAuthorizationCode(found) ? found : null;
}

/** Narrows to services an admin links server to server (ExorLive). */
export function isServerToServer(integration: Integration): integration is ServerToServerIntegration {
  return integration.flow === "server_to_server";
}

/** Narrows to services whose callback carries the token itself (FitRankings). */
export function isTokenInCallback(integration: Integration): integration is TokenInCallbackIntegration {
  return integration.flow === "token_in_callback";
}
