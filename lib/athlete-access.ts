import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { coachAthletes, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { can, ForbiddenError } from "@/lib/authz";

/** Resolves to true when `athleteId` is an athlete on `coachId`'s roster. */
export async function isOnRoster(coachId: string, athleteId: string): Promise<boolean> {
  const row = await db
    .select({ athleteId: coachAthletes.athleteId })
    .from(coachAthletes)
    .innerJoin(users, eq(users.id, coachAthletes.athleteId))
    .where(and(eq(coachAthletes.coachId, coachId), eq(coachAthletes.athleteId, athleteId), eq(users.role, "athlete")))
    .limit(1)
    .then(firstRow);
  return row !== undefined;
}

/**
 * Resolves to `viewer` (known to be signed in) when they may read `athleteId`'s connections and history: the
 * athlete themself, a coach who has the athlete on their roster, or an admin; rejects with ForbiddenError
 * otherwise. The one check every athlete-scoped read goes through (pages, exports, data functions): always
 * `await` it before reading (`const user = await assertCanViewAthlete(viewer, athleteId)`).
 */
export async function assertCanViewAthlete(viewer: SessionUser | null, athleteId: string): Promise<SessionUser> {
  if (!viewer) throw new ForbiddenError("Sign in to continue.");
  if (viewer.role === "athlete" && viewer.id === athleteId) return viewer;
  if (viewer.role === "coach" && can(viewer, "roster.read") && (await isOnRoster(viewer.id, athleteId))) return viewer;
  if (can(viewer, "audit.read")) return viewer;
  throw new ForbiddenError("You may not see this athlete.");
}
