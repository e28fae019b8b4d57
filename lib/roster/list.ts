import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { db } from "@/db";
import { accounts, coachAthletes, users, type ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { connectionStatus, NEEDS_ATTENTION, type ConnectionStatus } from "@/lib/connections/status";
import { env } from "@/lib/env";
import { getIntegration, integrations } from "@/lib/integrations/registry";
import type { RosterFilters, RosterQuery } from "./query";

/*
 * The coach's roster matrix: one SQL query for the whole roster, then search, the attention filter, the sort
 * and the page in memory. Parsing the query string is ./query.ts, the CSV export ./csv.ts, one athlete's
 * detail ./athlete.ts. Every status comes from connectionStatus (lib/connections/status.ts).
 */

/** Rows per roster page. */
export const ROSTER_PAGE_SIZE = 50;

/** Statuses from worst to best: the order of "Sort by: Worst status". */
export const STATUS_SEVERITY: readonly ConnectionStatus[] = [
  "needs_reauth",
  "revoked_by_service",
  "refresh_failing",
  "missing_permissions",
  "expiring",
  "revocation_pending",
  "not_connected",
  "not_configured",
  "connected",
];

/** One service of one athlete in the matrix. */
export interface RosterCell {
  status: ConnectionStatus;
  /** The last successful refresh of the access token; null when it never happened (or no connection). */
  lastRefreshedAt: Date | null;
  /** When the connection last proved to work (linked, refreshed, or verified by request); null when never. */
  lastVerifiedAt: Date | null;
}

/** One athlete of the matrix. Holds no token, sealed or not. */
export interface RosterRow {
  id: string;
  name: string;
  email: string;
  cells: Record<ServiceId, RosterCell>;
}

/** One service's bar above the matrix: how many athletes of the whole roster are in each bucket. */
export interface RosterServiceSummary {
  service: ServiceId;
  name: string;
  /** Connected or expiring. */
  connected: number;
  /** A status in NEEDS_ATTENTION. */
  attention: number;
  /** Everything else: not connected, not configured, disconnect pending. */
  notConnected: number;
}

/** What listRoster returns: one page of the matrix, and counts over the whole roster. */
export interface RosterPage {
  services: { id: ServiceId; name: string }[];
  rows: RosterRow[];
  /** Athletes matching the filters (all pages). */
  total: number;
  /** The page shown, 1-based, clamped to 1..pageCount. */
  page: number;
  /** At least 1. */
  pageCount: number;
  pageSize: number;
  /** Athletes on the whole roster, whatever the filters (0 → the "no athletes yet" state). */
  rosterSize: number;
  /** Per service, over the whole roster (filters ignored). */
  summary: RosterServiceSummary[];
  /** Athletes on the whole roster with at least one service needing attention (filters ignored). */
  attentionCount: number;
}

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });
const SEVERITY_RANK = new Map(STATUS_SEVERITY.map((s, i) => [s, i]));

function byName(a: RosterRow, b: RosterRow): number {
  return collator.compare(a.name, b.name) || collator.compare(a.email, b.email) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The rank in STATUS_SEVERITY of the athlete's worst status (0 = worst). */
function worstRank(row: RosterRow): number {
  return Math.min(STATUS_SEVERITY.length, ...Object.values(row.cells).map((c) => SEVERITY_RANK.get(c.status) ?? STATUS_SEVERITY.length));
}

function byStatus(ranks: Map<string, number>) {
  return (a: RosterRow, b: RosterRow): number => (ranks.get(a.id) ?? 0) - (ranks.get(b.id) ?? 0) || byName(a, b);
}

/** True when one of the athlete's statuses is in NEEDS_ATTENTION. */
export function needsAttention(row: RosterRow): boolean {
  return Object.values(row.cells).some((c) => NEEDS_ATTENTION.has(c.status));
}

/**
 * The roster of coach `coachId` in one query: each active athlete (role athlete, not disabled) on the roster,
 * once per connection row (or once with null connection columns when there is none). Token columns are never
 * selected: only whether an access token is present.
 */
const rosterQuery = (coachId: string) =>
  db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      provider: accounts.provider,
      state: accounts.state,
      hasToken: sql<boolean>`${accounts.accessToken} IS NOT NULL`.mapWith(Boolean),
      expiresAt: accounts.expiresAt,
      failureCount: accounts.failureCount,
      scope: accounts.scope,
      lastRefreshedAt: accounts.lastRefreshedAt,
      lastVerifiedAt: accounts.lastVerifiedAt,
    })
    .from(coachAthletes)
    .innerJoin(users, eq(users.id, coachAthletes.athleteId))
    .leftJoin(accounts, eq(accounts.userId, users.id))
    .where(and(eq(coachAthletes.coachId, coachId), eq(users.role, "athlete"), isNull(users.disabledAt)));

/** The whole roster of `coach` with a status per service (one query, see rosterQuery). */
async function loadRoster(coach: SessionUser, nowMs: number) {
  assertCan(coach, "roster.read");
  const services = integrations();
  const byAthlete = new Map<string, RosterRow>();
  for (const r of await rosterQuery(coach.id)) {
    let row = byAthlete.get(r.id);
    if (!row) {
      const cells = {} as Record<ServiceId, RosterCell>;
      for (const service of services)
        cells[service.id] = { status: connectionStatus(null, service.credentials !== null), lastRefreshedAt: null, lastVerifiedAt: null };
      row = { id: r.id, name: r.name, email: r.email, cells };
      byAthlete.set(r.id, row);
    }
    if (r.provider === null || !(r.provider in row.cells)) continue;
    const service = getIntegration(r.provider);
    row.cells[r.provider] = {
      status: connectionStatus(
        {
          provider: r.provider,
          state: r.state!,
          accessToken: r.hasToken ? "sealed" : null,
          expiresAt: r.expiresAt,
          failureCount: r.failureCount ?? 0,
          scope: r.scope,
        },
        service.credentials !== null,
        nowMs,
        env.REFRESH_MARGIN_SECONDS,
      ),
      lastRefreshedAt: r.lastRefreshedAt,
      lastVerifiedAt: r.lastVerifiedAt,
    };
  }
  return { services: services.map((s) => ({ id: s.id, name: s.name })), rows: [...byAthlete.values()] };
}

/** Applies search, the attention filter and the sort (search is Unicode-aware, unlike SQLite's LIKE). */
function filterAndSort(rows: RosterRow[], filters: RosterFilters): RosterRow[] {
  const fold = (text: string) => text.normalize("NFC").toLowerCase();
  const q = filters.q?.trim() ? fold(filters.q.trim()) : null;
  const matching = rows.filter((r) => (!q || fold(r.name).includes(q) || fold(r.email).includes(q)) && (!filters.attention || needsAttention(r)));
  if (filters.sort === "status") {
    const ranks = new Map(matching.map((r) => [r.id, worstRank(r)]));
    return matching.sort(byStatus(ranks));
  }
  return matching.sort(byName);
}

/**
 * One page (ROSTER_PAGE_SIZE = 50 rows) of `coach`'s roster matrix: only active athletes on this coach's own
 * roster, filtered by `q` (name or email, case-insensitive) and `attention`, sorted by name or worst status
 * (ties by name). `options.page` is 1-based; a page past the end shows the last page, below 1 (or not a
 * number) the first. The summary and attentionCount cover the whole roster. Statuses are derived at `nowMs`
 * (milliseconds since the epoch). One query whatever the roster size; never a token. Throws ForbiddenError
 * unless `coach` holds roster.read.
 */
export async function listRoster(coach: SessionUser, options: RosterQuery = {}, nowMs = Date.now()): Promise<RosterPage> {
  const { services, rows } = await loadRoster(coach, nowMs);
  const summary = services.map((s): RosterServiceSummary => {
    const counts = { service: s.id, name: s.name, connected: 0, attention: 0, notConnected: 0 };
    for (const row of rows) {
      const status = row.cells[s.id].status;
      if (status === "connected" || status === "expiring") counts.connected++;
      else if (NEEDS_ATTENTION.has(status)) counts.attention++;
      else counts.notConnected++;
    }
    return counts;
  });
  const attentionCount = rows.filter(needsAttention).length;
  const matching = filterAndSort(rows, options);
  const total = matching.length;
  const pageCount = Math.max(1, Math.ceil(total / ROSTER_PAGE_SIZE));
  const requested = Number.isFinite(options.page) ? Math.floor(options.page ?? 1) : 1;
  const page = Math.min(Math.max(1, requested), pageCount);
  return {
    services,
    rows: matching.slice((page - 1) * ROSTER_PAGE_SIZE, page * ROSTER_PAGE_SIZE),
    total,
    page,
    pageCount,
    pageSize: ROSTER_PAGE_SIZE,
    rosterSize: rows.length,
    summary,
    attentionCount,
  };
}

/**
 * Every row of `coach`'s roster matching the filters, in the page's order, without pagination (the CSV
 * export, ./csv.ts), with the services in registry order. `nowMs` and access rules (ForbiddenError) as
 * listRoster.
 */
export async function listRosterForExport(
  coach: SessionUser,
  filters: RosterFilters = {},
  nowMs = Date.now(),
): Promise<{ services: { id: ServiceId; name: string }[]; rows: RosterRow[] }> {
  const { services, rows } = await loadRoster(coach, nowMs);
  return { services, rows: filterAndSort(rows, filters) };
}
