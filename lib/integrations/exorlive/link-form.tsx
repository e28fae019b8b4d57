"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { linkExorLiveAction } from "@/lib/integrations/exorlive/actions";

const FIELD =
  "mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600";

/**
 * The admin's ExorLive link form: the athlete's email (a field, not a list: a federation has thousands of
 * athletes) and their ExorLive user id. `email` pre-fills the first field (from the athlete's admin page).
 */
export function ExorLiveLinkForm({ configured, email }: { configured: boolean; email?: string }) {
  const [state, action, pending] = useActionState(linkExorLiveAction, null);
  const hydrated = useHydrated();
  return (
    <form action={action} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
        <div>
          <label htmlFor="athleteEmail" className="block text-sm font-medium text-slate-700">
            Athlete&apos;s email
          </label>
          <input
            id="athleteEmail"
            name="athleteEmail"
            type="email"
            required
            maxLength={320}
            defaultValue={email}
            autoComplete="off"
            className={FIELD}
          />
        </div>
        <div>
          <label htmlFor="exorliveUserId" className="block text-sm font-medium text-slate-700">
            ExorLive user ID
          </label>
          <input id="exorliveUserId" name="exorliveUserId" inputMode="numeric" pattern="[0-9]{1,18}" required autoComplete="off" className={FIELD} />
        </div>
        <Button type="submit" disabled={!configured || pending || !hydrated}>
          {pending ? "Linking…" : "Link ExorLive"}
        </Button>
      </div>
      {!configured ? <Alert tone="info">ExorLive is not configured on this server: set its client id, secret and requester URL.</Alert> : null}
      <ActionOutcome state={state} />
    </form>
  );
}
