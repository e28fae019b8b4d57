import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, coachAthletes, users } from "@/db/schema";
import { connectionColumns, toApiConnection } from "@/lib/api/connections";
import { athletesCursor, type AthleteBody, type ConnectionBody } from "@/lib/api/schemas";

/**
 * A page of athletes for GET /api/v1/athletes: users with the athlete role (disabled ones included, flagged),
 * ordered by (name, id) and sought through users_name_idx after `cursor` (the [name, id] of the previous page's
 * last athlete), at most `limit` (1-200) of them, each with the ids of the coaches whose roster holds them.
 * Resolves to the page's items and the next page's cursor (null on the last page).
 */
export async function listAthletes(options: {
  limit: number;
  cursor?: [string, string];
}): Promise<{ data: AthleteBody[]; next_cursor: string | null }> {
  const { limit, cursor } = options;
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email, createdAt: users.createdAt, disabledAt: users.disabledAt })
    .from(users)
    .where(and(eq(users.role, "athlete"), cursor ? sql`(${users.name}, ${users.id}) > (${cursor[0]}, ${cursor[1]})` : undefined))
    .orderBy(asc(users.name), asc(users.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const coaches = page.length
    ? await db
        .select({ athleteId: coachAthletes.athleteId, coachId: coachAthletes.coachId })
        .from(coachAthletes)
        .where(
          inArray(
            coachAthletes.athleteId,
            page.map((r) => r.id),
          ),
        )
        .orderBy(asc(coachAthletes.coachId))
    : [];
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      created_at: r.createdAt.toISOString(),
      disabled: r.disabledAt !== null,
      coach_ids: coaches.filter((c) => c.athleteId === r.id).map((c) => c.coachId),
    })),
    next_cursor: rows.length > limit && last ? athletesCursor.encode([last.name, last.id]) : null,
  };
}

/**
 * Every connection row of athlete `athleteId` (whatever its state; services never linked have none), ordered
 * by service, for GET /api/v1/athletes/{id}/connections; null when no athlete has that id. Tokens are never read.
 */
export async function listAthleteConnections(athleteId: string, nowMs = Date.now()): Promise<ConnectionBody[] | null> {
  const athlete = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, athleteId), eq(users.role, "athlete")))
    .limit(1)
    .then(firstRow);
  if (!athlete) return null;
  const rows = await db.select(connectionColumns).from(accounts).where(eq(accounts.userId, athleteId)).orderBy(asc(accounts.provider));
  return rows.map((row) => toApiConnection(row, nowMs));
}
