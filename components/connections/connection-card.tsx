import { formatDistanceStrict } from "date-fns";
import Link from "next/link";
import { RequestNote } from "@/components/reconnect-requests/request-note";
import type { ConnectionCardData } from "@/lib/connections/card";
import { formatUtc } from "@/lib/time";
import { ConnectionActions } from "./connection-actions";
import { ScopeList } from "./scope-list";
import { StatusBadge } from "./status-badge";

function When({ label, date, now }: { label: string; date: Date; now: Date }) {
  const relative = formatDistanceStrict(date, now, { addSuffix: true });
  return (
    <div>
      <dt className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-700">
        <time dateTime={date.toISOString()} title={`${formatUtc(date, "PPpp")} UTC`}>
          {relative}
        </time>{" "}
        <span className="text-slate-500">({formatUtc(date, "d MMM yyyy, HH:mm")} UTC)</span>
      </dd>
    </div>
  );
}

function stamp(date: Date): string {
  return `${formatUtc(date, "d MMM, HH:mm")} UTC`;
}

/** What the status means for the athlete and what happens next, for the statuses that need words. */
function StatusExplanation({ card, now }: { card: ConnectionCardData; now: Date }) {
  const error = card.lastError ? ` (${card.lastError})` : "";
  switch (card.status) {
    case "expiring":
      return <p className="text-sm text-slate-700">The access token expires soon; TrainLink is refreshing it.</p>;
    case "refresh_failing":
      return (
        <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Refreshing failed{card.lastErrorAt ? ` at ${stamp(card.lastErrorAt)}` : ""}
          {error}. The connection is kept and retried automatically
          {card.nextAttemptAt ? ` (next attempt ${formatDistanceStrict(card.nextAttemptAt, now, { addSuffix: true })})` : ""}.
        </p>
      );
    case "missing_permissions":
      return (
        <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {card.name} did not grant TrainLink every permission it needs (listed under Missing permissions).{" "}
          {card.canConnect
            ? "Grant missing permissions to give them now."
            : card.flow === "server_to_server"
              ? `Your coach or an administrator links ${card.name} for you: ask them to link it again.`
              : card.connectHint}
        </p>
      );
    case "needs_reauth":
      return (
        <p role="note" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900">
          {card.name} no longer accepts TrainLink&apos;s authorization{error}. Reconnect to restore access.
        </p>
      );
    case "revocation_pending":
      return (
        <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          TrainLink asked {card.name} to revoke its access but could not reach it{error}. It keeps asking
          {card.nextAttemptAt ? ` (next attempt ${formatDistanceStrict(card.nextAttemptAt, now, { addSuffix: true })})` : ""}; the stored tokens are
          deleted once {card.name} confirms.
        </p>
      );
    case "revoked_by_service":
      return (
        <p role="note" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900">
          Access was cancelled at {card.name}, so TrainLink deleted the stored tokens. Connect again to restore it.
        </p>
      );
    default:
      return null;
  }
}

/**
 * One service's card on the connections page: a region named after the service, with the service id as its
 * anchor (a reconnect request's mail links to `/connections?request=<id>#<service>`). `request`: an open reconnect
 * request for this service, whose "<name> asked you to reconnect on <date>" shows above the buttons until the
 * athlete has reconnected.
 */
export function ConnectionCard({
  card,
  request = null,
  now,
  adminLink,
}: {
  card: ConnectionCardData;
  /** What replaces Connect on a card an administrator links (ExorLive's request to the admins). */
  adminLink?: React.ReactNode;
  request?: { status: string; askedBy: string | null; askedAt: Date } | null;
  now: Date;
}) {
  const headingId = `service-${card.service}`;
  const connected = card.linkedAt !== null;
  // Required scopes show once, under Missing permissions; the rest of what was asked for and refused here.
  const optionalNotGranted = card.missingScopes.filter((scope) => !card.missingPermissions.some((missing) => missing.id === scope.id));
  return (
    <section
      id={card.service}
      aria-labelledby={headingId}
      className="flex scroll-mt-6 flex-col rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <div className="flex items-start justify-between gap-3">
        <div className="flex items-center gap-3">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={`/logos/${card.service}.svg`} alt="" width={40} height={40} />
          <div>
            <h2 id={headingId} className="text-base font-semibold text-slate-900">
              {card.name}
            </h2>
            {/* Athletes care whether this is the real service, not which URL the server uses (admins see that). */}
            {card.environment === "beta" || card.environment === "sandbox" ? (
              <p className="text-xs text-slate-600">{card.environment === "beta" ? "Beta environment" : "Sandbox"}</p>
            ) : null}
          </div>
        </div>
        <StatusBadge status={card.status} />
      </div>

      <div className="mt-4 flex-1 space-y-4">
        <StatusExplanation card={card} now={now} />
        {connected ? (
          <>
            {card.grantedScopes.length > 0 ? (
              <ScopeList id={`${card.service}-granted`} scopes={card.grantedScopes} label="Granted scopes" />
            ) : (
              <p className="text-sm text-slate-600">
                {card.name} has no scopes: the connection gives access to your {card.name} activities.
              </p>
            )}
            {card.missingPermissions.length > 0 ? (
              <ScopeList id={`${card.service}-missing`} scopes={card.missingPermissions} label="Missing permissions" />
            ) : null}
            {optionalNotGranted.length > 0 ? (
              <ScopeList id={`${card.service}-not-granted`} scopes={optionalNotGranted} label="Requested but not granted" muted />
            ) : null}
            <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2">
              {card.linkedAt ? <When label="Linked" date={card.linkedAt} now={now} /> : null}
              {card.serviceAccount ? (
                <div>
                  <dt className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{card.name} account</dt>
                  <dd className="mt-0.5 font-mono text-sm break-all text-slate-700">{card.serviceAccount}</dd>
                </div>
              ) : null}
              {card.expiresAt !== null ? (
                <When
                  label={card.expiresAt * 1000 > now.getTime() ? "Access token expires" : "Access token expired"}
                  date={new Date(card.expiresAt * 1000)}
                  now={now}
                />
              ) : (
                <div>
                  <dt className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Access token expires</dt>
                  <dd className="mt-0.5 text-sm text-slate-700">Does not expire</dd>
                </div>
              )}
              {card.lastRefreshedAt ? <When label="Last refreshed" date={card.lastRefreshedAt} now={now} /> : null}
              {card.lastVerifiedAt ? (
                <When label="Last verified" date={card.lastVerifiedAt} now={now} />
              ) : (
                <div>
                  <dt className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Last verified</dt>
                  <dd className="mt-0.5 text-sm text-slate-700">Not yet</dd>
                </div>
              )}
              {card.planChangedAt ? <When label="Plan changed" date={card.planChangedAt} now={now} /> : null}
            </dl>
          </>
        ) : card.status === "revoked_by_service" ? null : (
          <p className="text-sm text-slate-600">
            {card.connectHint ?? `Connect ${card.name} to let TrainLink and your coach see that your account is linked.`}
          </p>
        )}
      </div>

      <div className="mt-5 space-y-3 border-t border-slate-100 pt-4">
        {request && request.status !== "reconnected" ? <RequestNote askedBy={request.askedBy} askedAt={request.askedAt} /> : null}
        <ConnectionActions
          service={card.service}
          name={card.name}
          flow={card.flow}
          status={card.status}
          canConnect={card.canConnect}
          canRefresh={card.canRefresh}
          canGrantMissing={card.missingPermissions.length > 0 && card.canConnect}
          adminLink={adminLink}
        />
        <Link
          href={`/connections/${card.service}/history`}
          className="inline-block text-sm font-medium text-brand-700 underline-offset-2 hover:underline"
        >
          History<span className="sr-only"> of {card.name}</span>
        </Link>
      </div>
    </section>
  );
}
