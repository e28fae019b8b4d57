import { formatDistanceStrict } from "date-fns";
import Link from "next/link";
import { RequestNote } from "@/components/reconnect-requests/request-note";
import type { ConnectionCardData } from "@/lib/connections/card";
import { LocalTime } from "@/components/ui/local-time";
import { ADMIN_REVOKED_PREFIX } from "@/lib/messages/connections";
import { ConnectionActions } from "./connection-actions";
import { ScopeList } from "./scope-list";
import { StatusBadge } from "./status-badge";

function When({ label, date, now }: { label: string; date: Date; now: Date }) {
  return (
    <div>
      <dt className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-700">
        {formatDistanceStrict(date, now, { addSuffix: true })}{" "}
        <span className="text-slate-500">
          (<LocalTime ms={date.getTime()} />)
        </span>
      </dd>
    </div>
  );
}

const NOTE_TONES = {
  info: "bg-slate-50 text-slate-700",
  warning: "bg-amber-50 text-amber-900",
  error: "bg-red-50 text-red-900",
} as const;

/** The card's one explanation: what the status means and what happens next (lib/messages), or an administrator's revocation and its reason. */
function StatusExplanation({ card }: { card: ConnectionCardData }) {
  if (card.adminRevoke) {
    return (
      <p role="note" className={`rounded-md px-3 py-2 text-sm break-words ${NOTE_TONES.warning}`}>
        {ADMIN_REVOKED_PREFIX} <LocalTime ms={card.adminRevoke.atMs} style="dayMonth" />: {card.adminRevoke.reason}
      </p>
    );
  }
  if (!card.message) return null;
  // Information ("renewing right now") is no problem to point out: only warnings and errors are notes.
  return (
    <p role={card.message.tone === "info" ? undefined : "note"} className={`rounded-md px-3 py-2 text-sm ${NOTE_TONES[card.message.tone]}`}>
      {card.message.text}
    </p>
  );
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
        <StatusExplanation card={card} />
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
              {!card.showExpiry ? null : card.expiresAt !== null ? (
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
        ) : card.status === "revoked_by_service" || card.adminRevoke ? null : (
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
          disconnectText={card.disconnectText}
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
