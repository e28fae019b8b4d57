import "server-only";
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { accounts, coachAthletes, reconnectRequests, users, type ReconnectRequestStatus, type ServiceId } from "@/db/schema";
import { assertCanViewAthlete } from "@/lib/athlete-access";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan, can } from "@/lib/authz";
import type { ConnectionStatus } from "@/lib/connections/status";
import { integrations } from "@/lib/integrations/registry";
import { CONNECTION_COLUMNS, factsOf, needsAthlete, statusOf, type OpenRequestStatus } from "./connection";

/** One request as the pages show it: its status and the time of each step. */
export interface ReconnectRequestView {
  id: string;
  status: ReconnectRequestStatus;
  /** Who asked; null when their account is gone. */
  requestedByName: string | null;
  createdAt: Date;
  openedAt: Date | null;
  reconnectedAt: Date | null;
  remindedAt: Date | null;
  /** When it was verified or cancelled; null while open. */
  closedAt: Date | null;
}

/** One service of an athlete, for the request panel of the coach's and admin's pages. */
export interface ReconnectOverview {
  service: ServiceId;
  name: string;
  status: ConnectionStatus;
  /** True when the viewer may ask for this service at all (a coach or admin, a service the athlete links). */
  mayAsk: boolean;
  /** True when a request can be sent now: mayAsk, the athlete is active, the status needs them, none is open. */
  canAsk: boolean;
  /** The latest request for this service (open or closed), or null when there was none. */
  latest: ReconnectRequestView | null;
}

/** Requests read for one athlete's overview: the latest of each service is among them. */
const RECENT_REQUESTS = 40;

/**
 * Per service (registry order) the status of athlete `athleteId`'s connection at `nowMs` (milliseconds since the
 * epoch), whether `viewer` may ask for a reconnect now, and the latest request with its steps. Readable by whoever
 * may see the athlete (assertCanViewAthlete: their coach, an admin, the athlete); others get ForbiddenError. Two
 * indexed queries (the athlete's connections, and their recent requests by reconnect_requests_athlete_idx).
 */
export async function getReconnectOverview(viewer: SessionUser, athleteId: string, nowMs = Date.now()): Promise<ReconnectOverview[]> {
  await assertCanViewAthlete(viewer, athleteId);
  const [athlete, connections, requests] = await Promise.all([
    db.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, athleteId)).limit(1).then(firstRow),
    db
      .select({ provider: accounts.provider, ...CONNECTION_COLUMNS })
      .from(accounts)
      .where(eq(accounts.userId, athleteId)),
    db
      .select({
        id: reconnectRequests.id,
        service: reconnectRequests.service,
        status: reconnectRequests.status,
        requestedByName: users.name,
        createdAt: reconnectRequests.createdAt,
        openedAt: reconnectRequests.openedAt,
        reconnectedAt: reconnectRequests.reconnectedAt,
        remindedAt: reconnectRequests.remindedAt,
        closedAt: reconnectRequests.closedAt,
      })
      .from(reconnectRequests)
      .leftJoin(users, eq(users.id, reconnectRequests.requestedBy))
      .where(eq(reconnectRequests.athleteId, athleteId))
      .orderBy(desc(reconnectRequests.createdAt))
      .limit(RECENT_REQUESTS),
  ]);
  const active = athlete?.role === "athlete" && !athlete.disabledAt;
  const latestOf = new Map<ServiceId, ReconnectRequestView>();
  for (const { service, ...view } of requests) if (!latestOf.has(service)) latestOf.set(service, view);
  return integrations().map((integration) => {
    const row = connections.find((c) => c.provider === integration.id);
    const status = statusOf(row ? factsOf(row) : null, integration.id, nowMs);
    const latest = latestOf.get(integration.id) ?? null;
    const mayAsk = can(viewer, "reconnect_requests.create") && integration.flow !== "server_to_server";
    return {
      service: integration.id,
      name: integration.name,
      status,
      mayAsk,
      canAsk: mayAsk && active && needsAthlete(status) && (!latest || latest.closedAt !== null),
      latest,
    };
  });
}

/**
 * The open requests of the athletes `athleteIds` on `coach`'s roster (others are ignored), keyed
 * `<athlete id>:<service>`, for the roster cells' marker. Throws ForbiddenError unless `coach` holds roster.read.
 * Probes the open-request index per athlete of the page (at most a page of ids).
 */
export async function listOpenRequestsForRoster(coach: SessionUser, athleteIds: readonly string[]): Promise<Map<string, OpenRequestStatus>> {
  assertCan(coach, "roster.read");
  if (athleteIds.length === 0) return new Map();
  const rows = await db
    .select({ athleteId: reconnectRequests.athleteId, service: reconnectRequests.service, status: reconnectRequests.status })
    .from(reconnectRequests)
    .innerJoin(coachAthletes, and(eq(coachAthletes.athleteId, reconnectRequests.athleteId), eq(coachAthletes.coachId, coach.id)))
    .where(and(inArray(reconnectRequests.athleteId, [...athleteIds]), isNull(reconnectRequests.closedAt)));
  return new Map(rows.map((r) => [`${r.athleteId}:${r.service}`, r.status as OpenRequestStatus]));
}

/** What the athlete's card says of an open request: who asked and when. */
export interface AthleteRequestNote {
  status: OpenRequestStatus;
  askedBy: string | null;
  askedAt: Date;
}

/** The signed-in athlete's own open requests, by service (for their connection cards). One probe of the open-request index. */
export async function listOpenRequestsOfAthlete(athlete: SessionUser): Promise<Map<ServiceId, AthleteRequestNote>> {
  const rows = await db
    .select({ service: reconnectRequests.service, status: reconnectRequests.status, askedBy: users.name, askedAt: reconnectRequests.createdAt })
    .from(reconnectRequests)
    .leftJoin(users, eq(users.id, reconnectRequests.requestedBy))
    .where(and(eq(reconnectRequests.athleteId, athlete.id), isNull(reconnectRequests.closedAt)));
  return new Map(rows.map((r) => [r.service, { status: r.status as OpenRequestStatus, askedBy: r.askedBy, askedAt: r.askedAt }]));
}
