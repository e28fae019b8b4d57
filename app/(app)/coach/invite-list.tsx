import { ConfirmAction } from "@/components/ui/confirm-action";
import type { InvitationListItem } from "@/lib/invitations";
import { formatUtc } from "@/lib/time";
import { cancelInviteAction } from "./invite-actions";

const when = (date: Date) => `${formatUtc(date, "d MMM yyyy, HH:mm")} UTC`;

/**
 * "Your invite links" (rows from listInvitations, which leaves expired unused links out): the coach's open links (created, expires, Cancel with confirmation) and those used in the
 * last 30 days (by whom, when). Links themselves cannot be shown again (only their hash is stored).
 */
export function InviteList({ invites }: { invites: InvitationListItem[] }) {
  return (
    <section aria-labelledby="invite-list-heading" className="space-y-3 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="invite-list-heading" className="text-lg font-semibold text-slate-900">
        Your invite links
      </h2>
      {invites.length === 0 ? (
        <p className="text-sm text-slate-600">No open invite links, and none used in the last 30 days.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Your open invite links and those used in the last 30 days, newest first. Times are UTC.</caption>
            <thead className="text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Created
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Status
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {invites.map((invite) => (
                <tr key={invite.id}>
                  <td className="py-2 pr-4 whitespace-nowrap text-slate-900">{when(invite.createdAt)}</td>
                  <td className="py-2 pr-4 text-slate-700">
                    {invite.usedAt
                      ? `Used ${when(invite.usedAt)} by ${invite.usedBy ? `${invite.usedBy.name} (${invite.usedBy.email})` : "an account that no longer exists"}`
                      : `Open, expires ${when(invite.expiresAt)}`}
                  </td>
                  <td className="py-2 pr-4">
                    {invite.usedAt ? null : (
                      <ConfirmAction
                        label="Cancel invite"
                        title="Cancel this invite link?"
                        description={`The link created ${when(invite.createdAt)} stops working at once: whoever opens it is told it is not valid. Athletes already on your roster are not affected.`}
                        confirmLabel="Cancel invite link"
                        action={cancelInviteAction}
                        fields={{ invitationId: invite.id }}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
