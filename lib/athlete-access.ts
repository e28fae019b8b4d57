import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { coachAthletes, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { can, ForbiddenError } from "@/lib/authz";

/** True when `athleteId` is an athlete on `coachId`'s roster. */
export function isOnRoster(coachId: string, athleteId: string): boolean {
  return Boolean(
    db
      .select({ athleteId: coachAthletes.athleteId })
      .from(coachAthletes)
      .innerJoin(users, eq(users.id, coachAthletes.athleteId))
      .where(and(eq(coachAthletes.coachId, coachId), eq(coachAthletes.athleteId, athleteId), eq(users.role, "athlete")))
      .get(),
  );
}

/**
 * Throws ForbiddenError unless `viewer` may read `athleteId`'s connections and history: the athlete
 * themself, a coach who has the athlete on their roster, or an admin. The one check every athlete-scoped
 * read goes through (pages, exports, data functions).
 */
export function assertCanViewAthlete(viewer: SessionUser | null, athleteId: string): asserts viewer is SessionUser {
  if (!viewer) throw new ForbiddenError("Sign in to continue.");
  if (viewer.role === "athlete" && viewer.id === athleteId) return;
  if (viewer.role === "coach" && can(viewer, "roster.read") && isOnRoster(viewer.id, athleteId)) return;
  if (can(viewer, "audit.read")) return;
  throw new ForbiddenError("You may not see this athlete.");
}
