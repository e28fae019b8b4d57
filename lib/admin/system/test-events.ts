/**
 * Fixtures of the System page's query tests: connection_events rows at chosen instants (the tests' fixed clock),
 * in the database openRosterDb() opened.
 */
import { db } from "@/db";
import { connectionEvents, type EventKind, type ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";

/** Inserts one connection_events row for `athlete` at `at` (milliseconds since the epoch). */
export async function eventAt(
  athlete: SessionUser,
  service: ServiceId,
  kind: EventKind,
  atMs: number,
  over: { detail?: string; latencyMs?: number } = {},
): Promise<void> {
  await db.insert(connectionEvents).values({
    athleteId: athlete.id,
    actorId: null,
    service,
    kind,
    detail: over.detail ?? null,
    latencyMs: over.latencyMs ?? null,
    at: new Date(atMs),
  });
}
