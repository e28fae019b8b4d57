import type { LinkRequestView } from "@/lib/integrations/exorlive/link-requests";

/** The request an ExorLive card shows (times in milliseconds since the epoch, so a server component can pass them on). */
export interface ExorLiveRequestData {
  id: string;
  status: "open" | "declined";
  exorliveUserId: string;
  createdAtMs: number;
  requestedByName: string | null;
  decidedAtMs: number | null;
  declineReason: string | null;
}

/** `view` (currentLinkRequest's answer) as the card takes it: null unless it is open or declined. */
export function toCardRequest(view: LinkRequestView | null): ExorLiveRequestData | null {
  if (!view || (view.status !== "open" && view.status !== "declined")) return null;
  return {
    id: view.id,
    status: view.status,
    exorliveUserId: view.exorliveUserId,
    createdAtMs: view.createdAt.getTime(),
    requestedByName: view.requestedByName,
    decidedAtMs: view.decidedAt?.getTime() ?? null,
    declineReason: view.declineReason,
  };
}
