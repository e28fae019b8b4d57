/**
 * Fixtures of the roster unit tests (lib/roster/*.test.ts). Call openRosterDb() in a `before` hook before
 * anything reads env (lib/env.ts validates it once, on the first read): it sets the env those tests share (three
 * services configured, ExorLive not, so its empty cells are "not_configured"; a refresh margin of 300 s),
 * migrates the fresh database tests/setup.ts gave this test file and opens it. The other helpers insert rows into it.
 */
import { randomUUID } from "node:crypto";
import type { Account, ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { REQUIRED_SCOPES } from "@/lib/integrations/required-scopes";
import { openMigratedDb } from "./db";

/** The clock of the tests, in milliseconds since the epoch (and in seconds). */
export const NOW = Date.now();
export const nowSeconds = Math.floor(NOW / 1000);
const SEALED = "v1.k.i.c.t";

let opened: Awaited<ReturnType<typeof openMigratedDb>> | undefined;

/** Sets the roster tests' env, then migrates and opens the database: `{ db, schema }` as openMigratedDb. */
export async function openRosterDb() {
  Object.assign(process.env, {
    NEXTAUTH_URL: "http://localhost:3000",
    TRAINERDAY_CLIENT_ID: "td-client",
    TRAINERDAY_CLIENT_SECRET: "td-secret",
    ENDUCO_CLIENT_ID: "en-client",
    ENDUCO_CLIENT_SECRET: "en-secret",
    FITRANKINGS_CLIENT_ID: "fr-client",
    FITRANKINGS_CLIENT_SECRET: "fr-secret",
    REFRESH_MARGIN_SECONDS: "300",
  });
  delete process.env.EXORLIVE_CLIENT_ID;
  delete process.env.EXORLIVE_CLIENT_SECRET;
  opened = await openMigratedDb();
  return opened;
}

function database() {
  if (!opened) throw new Error("Call openRosterDb() first.");
  return opened;
}

/** Inserts a user (random name and email unless given; disabled at NOW when `disabled`) and returns it. */
export async function makeUser(
  role: "athlete" | "coach" | "admin",
  name = `${role} ${randomUUID().slice(0, 6)}`,
  email = `${randomUUID()}@test.example`,
  disabled = false,
): Promise<SessionUser> {
  const { db, schema } = database();
  const user = { id: randomUUID(), email, name, role };
  await db.insert(schema.users).values({ ...user, disabledAt: disabled ? new Date(NOW) : null });
  return user;
}

/** Puts `athletes` on `coach`'s roster. */
export async function assign(coach: SessionUser, ...athletes: SessionUser[]) {
  const { db, schema } = database();
  for (const athlete of athletes) await db.insert(schema.coachAthletes).values({ coachId: coach.id, athleteId: athlete.id });
}

/** A new athlete on `coach`'s roster. */
export async function athleteOf(coach: SessionUser, name: string, email?: string) {
  const athlete = await makeUser("athlete", name, email);
  await assign(coach, athlete);
  return athlete;
}

/**
 * A connection row with sealed-looking tokens ("v1.k.…"); connected, valid for an hour, every required scope
 * granted, unless overridden.
 */
export async function connect(athlete: SessionUser, provider: ServiceId, over: Partial<Account> = {}) {
  const { db, schema } = database();
  await db.insert(schema.accounts).values({
    id: randomUUID(),
    userId: athlete.id,
    provider,
    providerAccountId: randomUUID(),
    accessToken: SEALED,
    refreshToken: "v1.k.i.c.r",
    keyId: "k",
    expiresAt: nowSeconds + 3600,
    scope: REQUIRED_SCOPES[provider].join(" "),
    state: "connected",
    linkedAt: new Date(NOW - 86_400_000),
    updatedAt: new Date(NOW),
    ...over,
  });
}
