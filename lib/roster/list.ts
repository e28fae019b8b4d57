import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { accounts, coachAthletes, users, type ServiceId } from "@/db/schema";
import { assertCanViewAthlete } from "@/lib/athlete-access";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan, ForbiddenError } from "@/lib/authz";
import { connectionStatus, NEEDS_ATTENTION, STATUS_LABELS, type ConnectionStatus } from "@/lib/connections/status";
import { isLiveState } from "@/lib/connections/state-machine";
import { toCsv } from "@/lib/csv";
import { env } from "@/lib/env";
import { describeScopes, getIntegration, integrations, type ScopeInfo } from "@/lib/integrations";
import { splitScope } from "@/lib/integrations/tokens";
import { formatUtc } from "@/lib/time";

/** Rows per roster page. */
export const ROSTER_PAGE_SIZE = 50;

/** Statuses from worst to best: the order of "Sort by: Worst status". */
export const STATUS_SEVERITY: readonly ConnectionStatus[] = [
  "needs_reauth",
  "revoked_by_service",
  "refresh_failing",
  "expiring",
  "revocation_pending",
  "not_connected",
  "not_configured",
  "connected",
];

export type RosterSort = "name" | "status";

export interface RosterFilters {
  /** Case-insensitive substring of the athlete's name or email. */
  q?: string;
  /** Only athletes with at least one status in NEEDS_ATTENTION. */
  attention?: boolean;
  sort?: RosterSort;
}

export interface RosterCell {
  status: ConnectionStatus;
  /** The last successful refresh of the access token; null when it never happened (or no connection). */
  lastRefreshedAt: Date | null;
}

/** One athlete of the matrix. Holds no token, sealed or not. */
export interface RosterRow {
  id: string;
  name: string;
  email: string;
  cells: Record<ServiceId, RosterCell>;
}

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

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const blankToUndefined = (v: unknown) => {
  const value = first(v);
  return typeof value === "string" && value.trim() === "" ? undefined : value;
};

const QUERY_FIELDS = {
  q: z.preprocess(first, z.string().trim().max(200).optional()),
  attention: z.preprocess(blankToUndefined, z.enum(["1", "true", "on", "0", "false"]).optional()).transform((v) => v === "1" || v === "true" || v === "on"),
  sort: z.preprocess(blankToUndefined, z.enum(["name", "status"]).default("name")),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(1_000_000).default(1)),
};

/**
 * The roster query string (`q`, `attention`, `sort`, `page`), strict: the export route answers 400 when it
 * does not parse. Repeated parameters use their first value; `attention` is on for 1, true or on.
 */
export const rosterQuerySchema = z.object(QUERY_FIELDS);

export interface RosterQuery extends RosterFilters {
  page?: number;
}

/** Parses a query string strictly: the options for listRoster, or null when a parameter is malformed. */
export function parseRosterQueryStrict(raw: Record<string, string | string[] | undefined>): RosterQuery | null {
  const parsed = rosterQuerySchema.safeParse(raw);
  return parsed.success ? { ...parsed.data, q: parsed.data.q || undefined } : null;
}

/** Lenient parse for pages: each malformed parameter falls back to its default instead of failing. */
export function parseRosterQuery(raw: Record<string, string | string[] | undefined>): Required<Omit<RosterQuery, "q">> & { q?: string } {
  const q = QUERY_FIELDS.q.safeParse(raw.q);
  const attention = QUERY_FIELDS.attention.safeParse(raw.attention);
  const sort = QUERY_FIELDS.sort.safeParse(raw.sort);
  const page = QUERY_FIELDS.page.safeParse(raw.page);
  return {
    q: q.success && q.data ? q.data : undefined,
    attention: attention.success ? attention.data : false,
    sort: sort.success ? sort.data : "name",
    page: page.success ? page.data : 1,
  };
}

/** The query string for `filters` (and `page` when > 1), without a leading "?"; defaults are left out. */
export function rosterSearchParams(filters: RosterQuery): string {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.attention) params.set("attention", "1");
  if (filters.sort && filters.sort !== "name") params.set("sort", filters.sort);
  if (filters.page && filters.page > 1) params.set("page", String(filters.page));
  return params.toString();
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
 * The roster of a coach in one query: each active athlete (role athlete, not disabled) on the roster, once per
 * connection row (or once with null connection columns when there is none). Token columns are never selected:
 * only whether an access token is present. Prepared on first use (not at import: builds import this module
 * without a database); `coachId` is its one parameter.
 */
const prepareRosterQuery = () =>
  db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      provider: accounts.provider,
      state: accounts.state,
      hasToken: sql<number>`${accounts.accessToken} IS NOT NULL`,
      expiresAt: accounts.expiresAt,
      failureCount: accounts.failureCount,
      lastRefreshedAt: accounts.lastRefreshedAt,
    })
    .from(coachAthletes)
    .innerJoin(users, eq(users.id, coachAthletes.athleteId))
    .leftJoin(accounts, eq(accounts.userId, users.id))
    .where(and(eq(coachAthletes.coachId, sql.placeholder("coachId")), eq(users.role, "athlete"), isNull(users.disabledAt)))
    .prepare();
let rosterQuery: ReturnType<typeof prepareRosterQuery> | undefined;

/** The whole roster of `coach` with a status per service (one query, see prepareRosterQuery). */
function loadRoster(coach: SessionUser, nowMs: number) {
  assertCan(coach, "roster.read");
  const services = integrations();
  const byAthlete = new Map<string, RosterRow>();
  for (const r of (rosterQuery ??= prepareRosterQuery()).all({ coachId: coach.id })) {
    let row = byAthlete.get(r.id);
    if (!row) {
      const cells = {} as Record<ServiceId, RosterCell>;
      for (const service of services) cells[service.id] = { status: service.credentials !== null ? "not_connected" : "not_configured", lastRefreshedAt: null };
      row = { id: r.id, name: r.name, email: r.email, cells };
      byAthlete.set(r.id, row);
    }
    if (r.provider === null || !(r.provider in row.cells)) continue;
    const service = getIntegration(r.provider);
    row.cells[r.provider] = {
      status: connectionStatus(
        { state: r.state!, accessToken: r.hasToken ? "sealed" : null, expiresAt: r.expiresAt, failureCount: r.failureCount ?? 0 },
        service.credentials !== null,
        nowMs,
        env.REFRESH_MARGIN_SECONDS,
      ),
      lastRefreshedAt: r.lastRefreshedAt,
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
 * One page (50 rows) of `coach`'s roster matrix: only active athletes on this coach's own roster, filtered by
 * `q` (name or email, case-insensitive) and `attention`, sorted by name or worst status (ties by name). A
 * page past the end shows the last page. The summary and attentionCount cover the whole roster. One query
 * whatever the roster size; never a token. Throws ForbiddenError unless `coach` holds roster.read.
 */
export async function listRoster(coach: SessionUser, options: RosterQuery = {}, nowMs = Date.now()): Promise<RosterPage> {
  const { services, rows } = loadRoster(coach, nowMs);
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
 * export). Same access rules as listRoster.
 */
export async function listRosterForExport(coach: SessionUser, filters: RosterFilters = {}, nowMs = Date.now()): Promise<{ services: { id: ServiceId; name: string }[]; rows: RosterRow[] }> {
  const { services, rows } = loadRoster(coach, nowMs);
  return { services, rows: filterAndSort(rows, filters) };
}

/** The CSV header of the roster export: Name, Email, then per service its status and last refresh. */
export function rosterCsvHeader(services: readonly { name: string }[]): string[] {
  return ["Name", "Email", ...services.flatMap((s) => [`${s.name} status`, `${s.name} last refreshed (UTC)`])];
}

/**
 * The roster export as CSV text (lib/csv: quoted, formula-guarded): the rows of listRosterForExport with the
 * status label and the last refresh ("yyyy-MM-dd HH:mm:ss", UTC; empty when never). Same access rules.
 */
export async function rosterCsv(coach: SessionUser, filters: RosterFilters = {}, nowMs = Date.now()): Promise<string> {
  const { services, rows } = await listRosterForExport(coach, filters, nowMs);
  return toCsv([
    rosterCsvHeader(services),
    ...rows.map((row) => [
      row.name,
      row.email,
      ...services.flatMap((s) => {
        const cell = row.cells[s.id];
        return [STATUS_LABELS[cell.status], cell.lastRefreshedAt ? formatUtc(cell.lastRefreshedAt, "yyyy-MM-dd HH:mm:ss") : ""];
      }),
    ]),
  ]);
}

/** One service of the athlete detail page. Holds no token, sealed or not. */
export interface AthleteServiceDetail {
  service: ServiceId;
  name: string;
  status: ConnectionStatus;
  grantedScopes: ScopeInfo[];
  /** Requested scopes the service did not grant. */
  missingScopes: ScopeInfo[];
  /** Access-token expiry in seconds since the epoch; null when none is known (or not connected). */
  expiresAt: number | null;
  lastRefreshedAt: Date | null;
  linkedAt: Date | null;
  /** The last refresh or revocation error, in words, and when. */
  lastError: string | null;
  lastErrorAt: Date | null;
  /** The athlete's account id at the service while linked (never a token); null when none is known. */
  serviceAccount: string | null;
}

export interface AthleteDetail {
  id: string;
  name: string;
  email: string;
  services: AthleteServiceDetail[];
}


/**
 * What a coach sees of one athlete: name, email and per service the status, scopes, expiry and times. Throws
 * ForbiddenError unless `viewer` is a coach (roster.read) with `athleteId` on their roster
 * (assertCanViewAthlete) and the athlete is active; unknown ids get the same error, so existence is never
 * revealed. Token columns are never selected.
 */
export async function getAthleteForCoach(viewer: SessionUser | null, athleteId: string, nowMs = Date.now()): Promise<AthleteDetail> {
  assertCan(viewer, "roster.read");
  assertCanViewAthlete(viewer, athleteId);
  const athlete = db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.id, athleteId), eq(users.role, "athlete"), isNull(users.disabledAt)))
    .get();
  if (!athlete) throw new ForbiddenError("You may not see this athlete.");
  const rows = db
    .select({
      provider: accounts.provider,
      state: accounts.state,
      hasToken: sql<number>`${accounts.accessToken} IS NOT NULL`,
      expiresAt: accounts.expiresAt,
      failureCount: accounts.failureCount,
      scope: accounts.scope,
      requestedScope: accounts.requestedScope,
      linkedAt: accounts.linkedAt,
      lastRefreshedAt: accounts.lastRefreshedAt,
      lastError: accounts.lastError,
      lastErrorAt: accounts.lastErrorAt,
      providerAccountId: accounts.providerAccountId,
    })
    .from(accounts)
    .where(eq(accounts.userId, athleteId))
    .all();
  return {
    ...athlete,
    services: integrations().map((integration): AthleteServiceDetail => {
      const row = rows.find((r) => r.provider === integration.id);
      const status = connectionStatus(
        row ? { state: row.state, accessToken: row.hasToken ? "sealed" : null, expiresAt: row.expiresAt, failureCount: row.failureCount } : null,
        integration.credentials !== null,
        nowMs,
        env.REFRESH_MARGIN_SECONDS,
      );
      // As on the athlete's own card (lib/connections/view.ts): scopes and expiry only for a held connection.
      const live = row && isLiveState(row.state) ? row : null;
      const held = live?.hasToken ? live : null;
      const granted = held ? splitScope(held.scope ?? "") : [];
      const requested = held ? splitScope(held.requestedScope ?? "") : [];
      return {
        service: integration.id,
        name: integration.name,
        status,
        grantedScopes: describeScopes(granted, integration.scopes),
        missingScopes: describeScopes(
          requested.filter((s) => !granted.includes(s)),
          integration.scopes,
        ),
        expiresAt: held?.expiresAt ?? null,
        lastRefreshedAt: row?.lastRefreshedAt ?? null,
        linkedAt: held?.linkedAt ?? null,
        lastError: live?.lastError ?? null,
        lastErrorAt: live?.lastErrorAt ?? null,
        serviceAccount: live?.providerAccountId ?? null,
      };
    }),
  };
}
