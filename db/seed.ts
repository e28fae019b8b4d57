import { db } from "@/db";
import { coachAthletes } from "@/db/schema";
import { ensureUser } from "@/lib/auth/users";

/** The demo password of every seeded user. Only for local demos and tests. */
export const DEMO_PASSWORD = "demo1234";

export const DEMO_USERS = [
  { email: "admin@example.com", name: "Alex Admin", role: "admin" },
  { email: "coach@example.com", name: "Casey Coach", role: "coach" },
  { email: "athlete@example.com", name: "Avery Athlete", role: "athlete" },
] as const;

/**
 * Creates the three demo users (password DEMO_PASSWORD) and puts the athlete on the coach's roster.
 * Idempotent: existing users and roster links are left as they are.
 */
export async function seedDemoUsers(): Promise<void> {
  const ids: Record<string, string> = {};
  for (const user of DEMO_USERS) ids[user.role] = await ensureUser({ ...user, password: DEMO_PASSWORD });
  await db.insert(coachAthletes).values({ coachId: ids.coach!, athleteId: ids.athlete! }).onConflictDoNothing();
}
