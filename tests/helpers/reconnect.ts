/**
 * Fixtures of the reconnect-request unit tests (lib/reconnect-requests/*.test.ts): the roster tests' env and
 * database (tests/helpers/roster.ts) with mail on (SMTP_URL set before the first env read, so enqueueMail writes
 * outbox rows; nothing is sent: no worker runs), and readers of what the module wrote.
 */
import { and, asc, eq, like } from "drizzle-orm";
import type { Account, ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { openRosterDb } from "./roster";

let opened: Awaited<ReturnType<typeof openRosterDb>> | undefined;

/** Mail on, then openRosterDb(). Call it in a `before` hook before anything reads env. */
export async function openReconnectDb() {
  process.env.SMTP_URL = "smtp://127.0.0.1:9";
  opened = await openRosterDb();
  return opened;
}

function database() {
  if (!opened) throw new Error("Call openReconnectDb() first.");
  return opened;
}

/** Changes `athlete`'s connection at `service` as the state machine would have (tests only: the app goes through transitions.ts). */
export async function setConnection(athlete: SessionUser, service: ServiceId, set: Partial<Account>) {
  const { db, schema } = database();
  await db
    .update(schema.accounts)
    .set(set)
    .where(and(eq(schema.accounts.userId, athlete.id), eq(schema.accounts.provider, service)));
}

/** Disables `user` at `at` (as an admin's Disable does). */
export async function disableUser(user: SessionUser, at: Date) {
  const { db, schema } = database();
  await db.update(schema.users).set({ disabledAt: at }).where(eq(schema.users.id, user.id));
}

/** The request row `id`. */
export async function requestRow(id: string) {
  const { db, schema } = database();
  const [row] = await db.select().from(schema.reconnectRequests).where(eq(schema.reconnectRequests.id, id));
  if (!row) throw new Error(`no request ${id}`);
  return row;
}

/** `athlete`'s connection events at `service`, oldest first. */
export async function eventsOf(athlete: SessionUser, service: ServiceId) {
  const { db, schema } = database();
  const e = schema.connectionEvents;
  return db
    .select({ kind: e.kind, actorId: e.actorId, detail: e.detail })
    .from(e)
    .where(and(eq(e.athleteId, athlete.id), eq(e.service, service)))
    .orderBy(asc(e.id));
}

/** The outbox rows of request `requestId` (dedupe keys `reconnect:<id>:…`). */
export async function outboxOf(requestId: string) {
  const { db, schema } = database();
  return db
    .select()
    .from(schema.mailOutbox)
    .where(like(schema.mailOutbox.dedupeKey, `reconnect:${requestId}:%`))
    .orderBy(asc(schema.mailOutbox.dedupeKey));
}
