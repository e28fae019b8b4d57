import "server-only";
import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import { db } from "@/db";
import { users } from "@/db/schema";
import { likePattern } from "@/lib/admin/users";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";

/** How many suggestions the admin's athlete picker shows at most. */
export const ATHLETE_SEARCH_LIMIT = 10;
/** The longest search text, in characters (an email's maximum length). */
export const ATHLETE_SEARCH_MAX = 320;

/** One suggestion of the athlete picker. */
export interface AthleteSuggestion {
  id: string;
  name: string;
  email: string;
}

/**
 * Active athletes (role athlete, not disabled) whose name or email contains `q` (case-insensitive, both engines:
 * `lower(column) LIKE lower(pattern)`, LIKE wildcards escaped), ordered by name then email, at most
 * ATHLETE_SEARCH_LIMIT. An empty (or blank) `q` finds nothing. For the admin's ExorLive link form (a federation has
 * thousands of athletes, so it suggests rather than lists). Throws ForbiddenError unless `viewer` may link for athletes.
 */
export async function searchAthletes(viewer: SessionUser | null, q: string): Promise<AthleteSuggestion[]> {
  assertCan(viewer, "connections.link_for_athlete");
  const text = q.trim().slice(0, ATHLETE_SEARCH_MAX);
  if (!text) return [];
  const pattern = likePattern(text);
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(
      and(
        eq(users.role, "athlete"),
        isNull(users.disabledAt),
        or(sql`lower(${users.name}) LIKE lower(${pattern}) ESCAPE '\\'`, sql`lower(${users.email}) LIKE lower(${pattern}) ESCAPE '\\'`),
      ),
    )
    .orderBy(asc(users.name), asc(users.email))
    .limit(ATHLETE_SEARCH_LIMIT);
}
