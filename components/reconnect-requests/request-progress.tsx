import { LocalTime } from "@/components/ui/local-time";
import type { ReconnectRequestView } from "@/lib/reconnect-requests/list-reconnect-requests";

const STEPS = [
  { key: "sent", label: "Sent", at: (r: ReconnectRequestView) => r.createdAt },
  { key: "opened", label: "Opened", at: (r: ReconnectRequestView) => r.openedAt },
  { key: "reconnected", label: "Reconnected", at: (r: ReconnectRequestView) => r.reconnectedAt },
  { key: "verified", label: "Verified", at: (r: ReconnectRequestView) => (r.status === "verified" ? r.closedAt : null) },
] as const;

/**
 * A request's steps sent → opened → reconnected → verified, each with its time (the viewer's zone, UTC on hover) or what it is waiting for; a
 * step passed over (reconnected without opening the mail, working again without a reconnect) says so. The current
 * step of an open request is `aria-current="step"`. Words carry the state; the marks are decoration.
 */
export function RequestProgress({ request, id }: { request: ReconnectRequestView; id: string }) {
  const times = STEPS.map((step) => step.at(request));
  const lastDone = times.reduce<number>((last, at, i) => (at ? i : last), -1);
  const open = request.closedAt === null;
  return (
    <ol aria-labelledby={id} className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
      {STEPS.map((step, i) => {
        const at = times[i];
        const state = at ? "done" : i < lastDone ? "skipped" : open ? "waiting" : "never";
        return (
          <li
            key={step.key}
            aria-current={open && i === lastDone ? "step" : undefined}
            className={`rounded-md px-2.5 py-1.5 text-xs ring-1 ring-inset ${state === "done" ? "bg-emerald-50 text-emerald-900 ring-emerald-600/20" : "bg-slate-50 text-slate-600 ring-slate-200"}`}
          >
            <span className="flex items-center gap-1 font-semibold">
              <span aria-hidden="true">{state === "done" ? "✓" : "○"}</span>
              {step.label}
              <span className="sr-only">: </span>
            </span>
            <span className="block">
              {at ? <LocalTime ms={at.getTime()} /> : state === "skipped" ? "Passed over" : state === "waiting" ? "Not yet" : "—"}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
