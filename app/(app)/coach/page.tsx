import type { Metadata } from "next";
import Link from "next/link";
import { requireRole } from "@/lib/auth/session";
import { listRoster, type RosterServiceSummary } from "@/lib/roster/list";
import { parseRosterQuery, rosterSearchParams } from "@/lib/roster/query";
import { listOpenRequestsForRoster } from "@/lib/reconnect-requests/list-reconnect-requests";
import { InvitePanel } from "./invite-panel";
import { InviteList } from "./invite-list";
import { listInvitations } from "@/lib/invitations";
import { RosterTable } from "./roster-table";
import { Button } from "@/components/ui/button";
import { PageNav } from "@/components/ui/pagination";

export const metadata: Metadata = { title: "Roster" };

const FOCUS = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600";
const LINK = `font-medium text-brand-700 underline-offset-2 hover:underline ${FOCUS}`;

/** Bar segments; attention is striped too, so the bar does not rely on colour alone (the numbers are text). */
const SEGMENTS = [
  { key: "connected", label: "Connected", className: "bg-emerald-500", style: undefined },
  {
    key: "attention",
    label: "Needs attention",
    className: "bg-red-500",
    style: { backgroundImage: "repeating-linear-gradient(135deg, rgb(255 255 255 / 0.35) 0 3px, transparent 3px 7px)" },
  },
  { key: "notConnected", label: "Not connected", className: "bg-slate-300", style: undefined },
] as const;

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "12 connected, 3 need attention, 5 not connected" (1 → "needs attention"). */
function summaryText(s: RosterServiceSummary): string {
  return `${s.connected} connected, ${plural(s.attention, "needs attention", "need attention")}, ${s.notConnected} not connected`;
}

function SummaryBar({ summary, rosterSize }: { summary: RosterServiceSummary; rosterSize: number }) {
  const label = `${summary.name}: ${summaryText(summary)}`;
  return (
    <li className="grid grid-cols-1 items-center gap-x-4 gap-y-1 sm:grid-cols-[8rem_1fr_auto]">
      <span className="text-sm font-medium text-slate-900">{summary.name}</span>
      <div role="img" aria-label={label} className="flex h-3 w-full overflow-hidden rounded-full bg-slate-100 ring-1 ring-slate-200 ring-inset">
        {SEGMENTS.map((segment) => {
          const value = summary[segment.key];
          return value > 0 ? (
            <span
              key={segment.key}
              className={`h-full ${segment.className}`}
              style={{ width: `${(value / Math.max(1, rosterSize)) * 100}%`, ...segment.style }}
            />
          ) : null;
        })}
      </div>
      <span aria-hidden="true" className="text-xs text-slate-600 tabular-nums">
        {summaryText(summary)}
      </span>
    </li>
  );
}

/**
 * The one sentence a coach reads first, and only what is true: athletes that need attention; else no broken
 * connection, saying how many connections are not linked yet; only when every connection works, "all working".
 */
function Headline({ attentionCount, notLinked }: { attentionCount: number; notLinked: number }) {
  const box = "mt-3 rounded-lg px-4 py-3 text-lg font-semibold ring-1 ring-inset";
  if (attentionCount > 0) {
    return (
      <p className={`${box} bg-red-50 text-red-900 ring-red-600/20`}>
        {plural(attentionCount, "athlete needs attention", "athletes need attention")}
      </p>
    );
  }
  if (notLinked > 0) {
    return (
      <p className={`${box} bg-slate-50 text-slate-900 ring-slate-300`}>
        No broken connections · {plural(notLinked, "connection", "connections")} not linked yet
      </p>
    );
  }
  return <p className={`${box} bg-emerald-50 text-emerald-900 ring-emerald-600/20`}>Every connection is working</p>;
}

function Summary({ summary, rosterSize, attentionCount }: { summary: RosterServiceSummary[]; rosterSize: number; attentionCount: number }) {
  return (
    <section aria-labelledby="roster-summary" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h2 id="roster-summary" className="text-base font-semibold text-slate-900">
          Summary
        </h2>
        <p className="text-sm text-slate-600">{plural(rosterSize, "athlete", "athletes")} on your roster</p>
      </div>
      <Headline attentionCount={attentionCount} notLinked={summary.reduce((n, s) => n + s.notConnected, 0)} />
      <ul aria-label="Athletes per service" className="mt-4 space-y-3">
        {summary.map((s) => (
          <SummaryBar key={s.service} summary={s} rosterSize={rosterSize} />
        ))}
      </ul>
      <ul aria-label="Legend" className="mt-4 flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-600">
        {SEGMENTS.map((segment) => (
          <li key={segment.key} className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className={`inline-block size-3 rounded-sm ${segment.className}`} style={segment.style} />
            {segment.label}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Controls({
  q,
  attention,
  sort,
  exportHref,
  filtered,
}: {
  q: string;
  attention: boolean;
  sort: string;
  exportHref: string;
  filtered: boolean;
}) {
  const field = `rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 ${FOCUS}`;
  return (
    <form
      method="get"
      action="/coach"
      aria-label="Filter the roster"
      className="flex flex-wrap items-end gap-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
    >
      <div className="flex min-w-56 flex-1 flex-col gap-1">
        <label htmlFor="roster-q" className="text-sm font-medium text-slate-700">
          Search
        </label>
        <input id="roster-q" name="q" type="search" defaultValue={q} maxLength={200} placeholder="Name or email" className={field} />
      </div>
      <div className="flex items-center gap-2 pb-2">
        <input
          id="roster-attention"
          name="attention"
          type="checkbox"
          value="1"
          defaultChecked={attention}
          className={`size-4 rounded border-slate-300 accent-brand-600 ${FOCUS}`}
        />
        <label htmlFor="roster-attention" className="text-sm font-medium text-slate-700">
          Needs attention
        </label>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="roster-sort" className="text-sm font-medium text-slate-700">
          Sort by
        </label>
        <select id="roster-sort" name="sort" defaultValue={sort} className={field}>
          <option value="name">Name</option>
          <option value="status">Worst status</option>
        </select>
      </div>
      <Button type="submit">Apply</Button>
      <div className="flex items-center gap-4 pb-2 text-sm">
        {filtered ? (
          <Link href="/coach" className={LINK}>
            Clear filters
          </Link>
        ) : null}
        <a href={exportHref} className={LINK}>
          Export CSV
        </a>
      </div>
    </form>
  );
}

export default async function CoachPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const coach = await requireRole("coach");
  const query = parseRosterQuery(await searchParams);
  const roster = await listRoster(coach, query);
  const requests = await listOpenRequestsForRoster(
    coach,
    roster.rows.map((r) => r.id),
  );
  const filters = { q: query.q, attention: query.attention, sort: query.sort };
  const filterParams = rosterSearchParams(filters);
  const pageHref = (page: number) => {
    const qs = rosterSearchParams({ ...filters, page });
    return qs ? `/coach?${qs}` : "/coach";
  };
  const filtered = Boolean(query.q) || query.attention;
  const invites = await listInvitations(coach);
  const firstRow = (roster.page - 1) * roster.pageSize + 1;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Roster</h1>
        <p className="mt-1 text-sm text-slate-600">The connection status of your athletes at each service. Read only; times are in your time zone.</p>
      </div>

      {roster.rosterSize === 0 ? (
        <p className="rounded-xl bg-white p-6 text-sm text-slate-600 shadow-sm ring-1 ring-slate-200">
          No athletes yet. Create an invite link below.
        </p>
      ) : (
        <>
          <Summary summary={roster.summary} rosterSize={roster.rosterSize} attentionCount={roster.attentionCount} />
          <Controls
            q={query.q ?? ""}
            attention={query.attention}
            sort={query.sort}
            exportHref={filterParams ? `/coach/export?${filterParams}` : "/coach/export"}
            filtered={filtered}
          />

          {roster.total === 0 ? (
            <div className="rounded-xl bg-white p-6 text-sm text-slate-600 shadow-sm ring-1 ring-slate-200">
              <p>No athletes match these filters.</p>
              <Link href="/coach" className={`mt-2 inline-block ${LINK}`}>
                Clear filters
              </Link>
            </div>
          ) : (
            <>
              <p className="text-sm text-slate-600">
                Showing {firstRow}–{firstRow + roster.rows.length - 1} of {plural(roster.total, "athlete", "athletes")}
                {filtered ? " matching the filters" : ""}.
              </p>
              <RosterTable
                services={roster.services}
                caption={`Connection status per athlete and service, sorted by ${query.sort === "status" ? "worst status" : "name"}. Focus or hover a status for the last refresh and verification.`}
                rows={roster.rows.map((athlete) => ({
                  id: athlete.id,
                  name: athlete.name,
                  email: athlete.email,
                  cells: roster.services.map((s) => ({
                    status: athlete.cells[s.id].status,
                    refreshedAt: athlete.cells[s.id].lastRefreshedAt?.getTime() ?? null,
                    verifiedAt: athlete.cells[s.id].lastVerifiedAt?.getTime() ?? null,
                    request: requests.get(`${athlete.id}:${s.id}`) ?? null,
                  })),
                }))}
              />
              <PageNav
                previous={roster.page > 1 ? pageHref(roster.page - 1) : null}
                next={roster.page < roster.pageCount ? pageHref(roster.page + 1) : null}
                position={`Page ${roster.page} of ${roster.pageCount}`}
              />
            </>
          )}
        </>
      )}

      <InvitePanel />
      <InviteList invites={invites} />
    </div>
  );
}
