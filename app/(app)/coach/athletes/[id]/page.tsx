import { Fact } from "@/components/ui/fact";
import { formatDistanceStrict } from "date-fns";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ScopeList } from "@/components/connections/scope-list";
import { StatusBadge } from "@/components/connections/status-badge";
import { ExorLiveRequest } from "@/components/connections/exorlive-request";
import { ReconnectRequestPanel } from "@/components/reconnect-requests/reconnect-request-panel";
import { toCardRequest } from "@/lib/integrations/exorlive/card-request";
import { currentLinkRequest } from "@/lib/integrations/exorlive/link-requests";
import { requireRole } from "@/lib/auth/session";
import { ForbiddenError } from "@/lib/authz";
import { listConnectionHistory, type HistoryEntry } from "@/lib/connections/history";
import { getReconnectOverview, type ReconnectOverview } from "@/lib/reconnect-requests/list-reconnect-requests";
import { getAthleteForCoach, type AthleteDetail, type AthleteServiceDetail } from "@/lib/roster/athlete";
import { LocalTime } from "@/components/ui/local-time";
import type { ConnectionStatus } from "@/lib/connections/status";

export const metadata: Metadata = { title: "Athlete" };

/** Events shown per service: the compact timeline. */
const HISTORY_LIMIT = 20;

const TONE: Record<string, string> = {
  linked: "bg-emerald-500",
  relinked: "bg-emerald-500",
  refreshed: "bg-sky-500",
  plan_changed: "bg-sky-500",
  disconnected: "bg-slate-400",
};

function When({ label, date, now }: { label: string; date: Date; now: Date }) {
  return (
    <div>
      <dt className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-700">
        <LocalTime ms={date.getTime()} /> <span className="text-slate-500">({formatDistanceStrict(date, now, { addSuffix: true })})</span>
      </dd>
    </div>
  );
}

function Timeline({ service, name, entries }: { service: string; name: string; entries: HistoryEntry[] }) {
  const headingId = `history-${service}`;
  return (
    <div>
      <h3 id={headingId} className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
        History
      </h3>
      {entries.length === 0 ? (
        <p className="mt-1.5 text-sm text-slate-600">Nothing has happened with {name} yet.</p>
      ) : (
        <>
          <ol aria-labelledby={headingId} className="mt-2 space-y-0">
            {entries.map((entry) => (
              <li key={entry.id} className="relative border-l border-slate-200 pb-3 pl-4 last:pb-0">
                <span
                  aria-hidden="true"
                  className={`absolute top-1.5 -left-1 size-2 rounded-full ring-2 ring-white ${TONE[entry.kind] ?? "bg-amber-500"}`}
                />
                <p className="text-sm font-medium text-slate-900">{entry.label}</p>
                <p className="text-xs text-slate-500">
                  <LocalTime ms={entry.at.getTime()} /> · {entry.who}
                </p>
                {entry.detail ? <p className="mt-0.5 text-xs break-words text-slate-700">{entry.detail}</p> : null}
              </li>
            ))}
          </ol>
          {entries.length >= HISTORY_LIMIT ? <p className="mt-2 text-xs text-slate-500">The latest {HISTORY_LIMIT} events.</p> : null}
        </>
      )}
    </div>
  );
}

/** Statuses in which a service an administrator links (ExorLive) can be asked for: not linked, or needing a new link. */
const ASKABLE: ReadonlySet<ConnectionStatus> = new Set(["not_connected", "not_configured", "needs_reauth", "revoked_by_service"]);

function ServiceSection({
  athlete,
  detail,
  reconnect,
  history,
  now,
  adminLink,
}: {
  /** For ExorLive: the request to the administrators (ExorLiveRequest), shown while it can be asked for. */
  adminLink?: React.ReactNode;
  athlete: { id: string; name: string };
  detail: AthleteServiceDetail;
  reconnect: ReconnectOverview | undefined;
  history: HistoryEntry[];
  now: Date;
}) {
  const headingId = `service-${detail.service}`;
  const linked = detail.linkedAt !== null;
  const note = detail.message;
  const optionalNotGranted = detail.missingScopes.filter((scope) => !detail.missingPermissions.some((missing) => missing.id === scope.id));
  return (
    <section aria-labelledby={headingId} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <div className="flex items-start justify-between gap-3">
        <div className="flex items-center gap-3">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={`/logos/${detail.service}.svg`} alt="" width={32} height={32} />
          <h2 id={headingId} className="text-base font-semibold text-slate-900">
            {detail.name}
          </h2>
        </div>
        <StatusBadge status={detail.status} />
      </div>

      <div className="mt-4 space-y-4">
        {note ? <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700">{note.text}</p> : null}
        {reconnect ? <ReconnectRequestPanel athlete={athlete} overview={reconnect} /> : null}
        {adminLink && ASKABLE.has(detail.status) ? adminLink : null}
        {linked ? (
          <>
            {detail.grantedScopes.length > 0 ? (
              <ScopeList id={`granted-${detail.service}`} label="Granted scopes" scopes={detail.grantedScopes} />
            ) : (
              <p className="text-sm text-slate-600">{detail.name} grants no scopes to this connection.</p>
            )}
            {detail.missingPermissions.length > 0 ? (
              <ScopeList id={`required-${detail.service}`} label="Missing permissions" scopes={detail.missingPermissions} />
            ) : null}
            {optionalNotGranted.length > 0 ? (
              <ScopeList id={`missing-${detail.service}`} label="Requested but not granted" scopes={optionalNotGranted} muted />
            ) : null}
          </>
        ) : (
          <p className="text-sm text-slate-600">Not linked.</p>
        )}
        <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          {detail.linkedAt ? <When label="Linked" date={detail.linkedAt} now={now} /> : null}
          {detail.serviceAccount ? (
            <Fact label={`${detail.name} account`}>
              <span className="font-mono break-all">{detail.serviceAccount}</span>
            </Fact>
          ) : null}
          {linked && detail.showExpiry ? (
            detail.expiresAt !== null ? (
              <When
                label={detail.expiresAt * 1000 > now.getTime() ? "Access token expires" : "Access token expired"}
                date={new Date(detail.expiresAt * 1000)}
                now={now}
              />
            ) : (
              <Fact label="Access token expires">Does not expire</Fact>
            )
          ) : null}
          {detail.lastRefreshedAt ? (
            <When label="Last refreshed" date={detail.lastRefreshedAt} now={now} />
          ) : (
            <Fact label="Last refreshed">Never</Fact>
          )}
          {linked ? (
            detail.lastVerifiedAt ? (
              <When label="Last verified" date={detail.lastVerifiedAt} now={now} />
            ) : (
              <Fact label="Last verified">Not yet</Fact>
            )
          ) : null}
        </dl>
        <Timeline service={detail.service} name={detail.name} entries={history} />
      </div>
    </section>
  );
}

export default async function CoachAthletePage({ params }: { params: Promise<{ id: string }> }) {
  const coach = await requireRole("coach");
  const { id } = await params;
  let athlete: AthleteDetail;
  try {
    athlete = await getAthleteForCoach(coach, id);
  } catch (error) {
    // Not on this coach's roster, disabled, or unknown: the same 404, so existence is never revealed.
    if (error instanceof ForbiddenError) notFound();
    throw error;
  }
  const [histories, reconnect, exorliveRequest] = await Promise.all([
    Promise.all(athlete.services.map((s) => listConnectionHistory(coach, athlete.id, s.service, HISTORY_LIMIT))),
    getReconnectOverview(coach, athlete.id),
    currentLinkRequest(coach, athlete.id),
  ]);
  const now = new Date();

  return (
    <div className="space-y-6">
      <div>
        <Link
          href="/coach"
          className="text-sm font-medium text-brand-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
        >
          ← Roster
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">{athlete.name}</h1>
        <p className="mt-1 text-sm text-slate-600">{athlete.email}</p>
        <p className="mt-1 text-sm text-slate-500">Connections at each service; ask the athlete to reconnect one that needs them.</p>
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        {athlete.services.map((detail, i) => (
          <ServiceSection
            key={detail.service}
            athlete={athlete}
            detail={detail}
            reconnect={reconnect.find((r) => r.service === detail.service)}
            history={histories[i] ?? []}
            now={now}
            adminLink={
              detail.service === "exorlive" ? (
                <ExorLiveRequest athleteId={athlete.id} request={toCardRequest(exorliveRequest)} perspective="coach" />
              ) : undefined
            }
          />
        ))}
      </div>
    </div>
  );
}
