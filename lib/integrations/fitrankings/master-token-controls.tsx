"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { checkFitRankingsAction, renewMasterTokenAction } from "@/lib/integrations/fitrankings/actions";

/** Renew and Check buttons for the FitRankings master token, with the outcome below them. */
export function MasterTokenControls({ configured }: { configured: boolean }) {
  const [renewState, renew, renewing] = useActionState(renewMasterTokenAction, null);
  const [checkState, check, checking] = useActionState(checkFitRankingsAction, null);
  const hydrated = useHydrated();
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <form action={renew}>
          <Button type="submit" variant="secondary" disabled={!configured || renewing || !hydrated}>
            {renewing ? "Renewing…" : "Renew"}
          </Button>
        </form>
        <form action={check}>
          <Button type="submit" variant="secondary" disabled={!configured || checking || !hydrated}>
            {checking ? "Checking…" : "Check access"}
          </Button>
        </form>
      </div>
      <ActionOutcome state={renewState} />
      <ActionOutcome state={checkState} />
    </div>
  );
}
