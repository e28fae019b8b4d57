import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { db } from "@/db";
import { accounts, coachAthletes, users, type ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { connectionStatus, type ConnectionStatus } from "@/lib/connections/status";
import { env } from "@/lib/env";
import { integrations } from "@/lib/integrations";

export interface RosterRow {
  id: string;
  name: string;
  email: string;
  statuses: Record<ServiceId, ConnectionStatus>;
}

/**
 * The athletes on `coach`'s own roster with one status per service (two queries, no N+1). Holds no token.
 * Throws ForbiddenError unless `coach` holds roster.read.
 */
export async function listRoster(coach: SessionUser): Promise<{ services: { id: ServiceId; name: string }[]; athletes: RosterRow[] }> {
  assertCan(coach, "roster.read");
  const services = integrations();
  const athletes = db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(coachAthletes)
    .innerJoin(users, eq(users.id, coachAthletes.athleteId))
    .where(and(eq(coachAthletes.coachId, coach.id), eq(users.role, "athlete")))
    .orderBy(users.name)
    .all();
  const rows = athletes.length
    ? db
        .select({
          userId: accounts.userId,
          provider: accounts.provider,
          state: accounts.state,
          accessToken: accounts.accessToken,
          expiresAt: accounts.expiresAt,
          failureCount: accounts.failureCount,
        })
        .from(accounts)
        .where(inArray(accounts.userId, athletes.map((a) => a.id)))
        .all()
    : [];
  return {
    services: services.map((s) => ({ id: s.id, name: s.name })),
    athletes: athletes.map((athlete) => ({
      ...athlete,
      statuses: Object.fromEntries(
        services.map((s) => [
          s.id,
          connectionStatus(
            rows.find((r) => r.userId === athlete.id && r.provider === s.id),
            s.credentials !== null,
            Date.now(),
            env.REFRESH_MARGIN_SECONDS,
          ),
        ]),
      ) as Record<ServiceId, ConnectionStatus>,
    })),
  };
}
