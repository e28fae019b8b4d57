import type { ReconnectRequestStatus } from "@/db/enums";

/** The statuses of an open request (verified and cancelled close it). */
export type OpenRequestStatus = Exclude<ReconnectRequestStatus, "verified" | "cancelled">;

/**
 * The roster cell's mark of an open reconnect request: "Reconnect requested · opened", small text under the status
 * (an icon for the eye, the words for everyone). Renders on the client inside the roster matrix; no hooks.
 */
export function RequestMarker({ status }: { status: OpenRequestStatus }) {
  return (
    <span className="mt-1 flex items-center gap-1 text-xs text-slate-600">
      <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3 shrink-0 fill-none stroke-current" strokeWidth={1.5}>
        <rect x="1.5" y="3.5" width="13" height="9" rx="1.5" />
        <path d="m2 4.5 6 4.5 6-4.5" />
      </svg>
      Reconnect requested · {status}
    </span>
  );
}
