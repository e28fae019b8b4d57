"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { linkExorLiveAction } from "./actions";

const FIELD = "mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600";

/** The admin's ExorLive link form: pick an athlete, enter their ExorLive user id. */
export function ExorLiveLinkForm({ athletes, configured }: { athletes: { id: string; name: string; email: string }[]; configured: boolean }) {
  const [state, action, pending] = useActionState(linkExorLiveAction, null);
  const hydrated = useHydrated();
  return (
    <form action={action} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
        <div>
          <label htmlFor="athleteId" className="block text-sm font-medium text-slate-700">
            Athlete
          </label>
          <select id="athleteId" name="athleteId" required defaultValue="" className={FIELD}>
            <option value="" disabled>
              Choose an athlete…
            </option>
            {athletes.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.email})
              </option>
            ))}
          </select>
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
