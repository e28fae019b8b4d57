import { LocalTime } from "@/components/ui/local-time";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { requestReconnectAction } from "@/lib/reconnect-requests/actions";
import type { ReconnectOverview } from "@/lib/reconnect-requests/list-reconnect-requests";
import { RequestProgress } from "./request-progress";

const stamp = (date: Date) => <LocalTime ms={date.getTime()} />;

/**
 * One service's reconnect request on the coach's athlete page and the admin's user page: the latest request's
 * progress (open, or how the last one ended), and "Ask to reconnect" (a confirmation dialog) when the connection
 * needs the athlete and no request is open. The dialog stays mounted while the viewer may ask at all, so its
 * answer ("Already requested on …") stays visible after the page refreshes.
 */
export function ReconnectRequestPanel({ athlete, overview }: { athlete: { id: string; name: string }; overview: ReconnectOverview }) {
  const { latest, name, service } = overview;
  const headingId = `reconnect-${service}`;
  if (!latest && !overview.mayAsk) return null;
  return (
    <div className="space-y-2">
      {latest ? (
        <div>
          <h3 id={headingId} className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
            {latest.closedAt === null ? "Reconnect request" : "Last reconnect request"}
          </h3>
          <p className="mt-1 text-sm text-slate-700">
            Asked by {latest.requestedByName ?? "a former user"} on {stamp(latest.createdAt)}.
            {latest.remindedAt ? <> Reminder sent {stamp(latest.remindedAt)}.</> : null}
            {latest.status === "verified" && latest.closedAt ? (
              <>
                {" "}
                Closed: {name} worked again {stamp(latest.closedAt)}.
              </>
            ) : null}
            {latest.status === "cancelled" && latest.closedAt ? (
              <> Cancelled {stamp(latest.closedAt)}: the connection was disconnected or the athlete is no longer active.</>
            ) : null}
          </p>
          <RequestProgress request={latest} id={headingId} />
        </div>
      ) : null}
      {overview.mayAsk ? (
        <ConfirmAction
          label="Ask to reconnect"
          title={`Ask ${athlete.name} to reconnect ${name}?`}
          description={`TrainLink emails ${athlete.name} a link to their ${name} card (unless they turned these emails off) and shows the request on that card. You can follow it here: sent, opened, reconnected, verified. One reminder goes after 3 days; it closes by itself when ${name} works again.`}
          confirmLabel="Send request"
          confirmVariant="primary"
          action={requestReconnectAction}
          fields={{ athleteId: athlete.id, service }}
          available={overview.canAsk}
        />
      ) : null}
    </div>
  );
}
