"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { LocalTime } from "@/components/ui/local-time";
import { ConfirmAction } from "@/components/ui/confirm-action";
import type { InvitationListItem } from "@/lib/invitations";
import { cancelInviteAction } from "./invite-actions";

const when = (date: Date) => <LocalTime ms={date.getTime()} />;

/**
 * "Your invite links" (rows from listInvitations, which leaves expired unused links out): the coach's open links (created, expires, Cancel with confirmation) and those used in the
 * last 30 days (by whom, when). Links themselves cannot be shown again (only their hash is stored). A cancelled
 * link leaves the list, so the confirmation is shown above it rather than beside the row that is gone.
 */
export function InviteList({ invites }: { invites: InvitationListItem[] }) {
  const [cancelled, setCancelled] = useState<string | null>(null);
  const cancel: typeof cancelInviteAction = async (previous, form) => {
    const result = await cancelInviteAction(previous, form);
    setCancelled("ok" in result ? result.ok : null);
    return result;
  };
  return (
    <section aria-labelledby="invite-list-heading" className="space-y-3 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="invite-list-heading" className="text-lg font-semibold text-slate-900">
        Your invite links
      </h2>
      {cancelled ? <Alert tone="success">{cancelled}</Alert> : null}
      {invites.length === 0 ? (
        <p className="text-sm text-slate-600">No open invite links, and none used in the last 30 days.</p>
      ) : (
        <ul aria-label="Invite links, newest first" className="divide-y divide-slate-100">
          {invites.map((invite) => (
            <li key={invite.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-start sm:justify-between">
              <div className="text-sm">
                <p className="font-medium text-slate-900">Created {when(invite.createdAt)}</p>
                <p className="text-slate-700">
                  {invite.usedAt ? (
                    <>
                      Used {when(invite.usedAt)} by{" "}
                      {invite.usedBy ? `${invite.usedBy.name} (${invite.usedBy.email})` : "an account that no longer exists"}
                    </>
                  ) : (
                    <>Open, expires {when(invite.expiresAt)}</>
                  )}
                </p>
              </div>
              {invite.usedAt ? null : (
                <ConfirmAction
                  label="Cancel invite"
                  title="Cancel this invite link?"
                  description={
                    <>
                      The link created {when(invite.createdAt)} stops working at once: whoever opens it is told it is not valid. Athletes already on
                      your roster are not affected.
                    </>
                  }
                  confirmLabel="Cancel invite link"
                  action={cancel}
                  fields={{ invitationId: invite.id }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
