import type { ServiceId } from "@/db/schema";
import { ENDUCO } from "@/lib/integrations/enduco/definition";
import { EXORLIVE } from "@/lib/integrations/exorlive/definition";
import { FITRANKINGS } from "@/lib/integrations/fitrankings/definition";
import { TRAINERDAY } from "@/lib/integrations/trainerday/definition";

/**
 * Each service's `requiredScopes` (ServiceDefinition), straight from the definitions: plain data without env, so
 * the status rules (lib/connections/status.ts, which client components import, and status-sql.ts) can use it.
 */
export const REQUIRED_SCOPES: Readonly<Record<ServiceId, readonly string[]>> = {
  trainerday: TRAINERDAY.requiredScopes,
  enduco: ENDUCO.requiredScopes,
  fitrankings: FITRANKINGS.requiredScopes,
  exorlive: EXORLIVE.requiredScopes,
};

/**
 * The required scopes of `service` that `grantedScope` (accounts.scope: space-delimited as RFC 6749 §3.3 writes
 * it; null = nothing granted) lacks, in definition order; empty when none is missing. Scope strings compare
 * exactly (§3.3: case-sensitive) and the value is split on single spaces, as `linked` and `refreshed` write it,
 * so status-sql.ts can restate the rule in SQL.
 */
export function missingRequiredScopes(service: ServiceId, grantedScope: string | null): string[] {
  const granted = new Set((grantedScope ?? "").split(" "));
  return REQUIRED_SCOPES[service].filter((scope) => !granted.has(scope));
}
