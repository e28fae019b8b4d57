"use client";

import { useActionState, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { Role } from "@/db/schema";
import { changeRoleAction, setCoachesAction } from "../../actions";

/** Role select with a Change role button. */
export function RoleForm({ userId, role, disabled }: { userId: string; role: Role; disabled: boolean }) {
  const [state, action, pending] = useActionState(changeRoleAction, null);
  const hydrated = useHydrated();
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="userId" value={userId} />
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="role" className={LABEL_CLASS}>
            Role
          </label>
          <select id="role" name="role" defaultValue={role} className={FIELD_CLASS} disabled={disabled}>
            <option value="athlete">Athlete</option>
            <option value="coach">Coach</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <Button type="submit" variant="secondary" disabled={disabled || pending || !hydrated}>
          {pending ? "Saving…" : "Change role"}
        </Button>
      </div>
      <ActionOutcome state={state} />
    </form>
  );
}

/** Checkboxes of every coach; Save coaches sets the athlete's coaches to exactly the checked ones. */
export function CoachesForm({
  userId,
  coaches,
  assigned,
}: {
  userId: string;
  coaches: { id: string; name: string; email: string }[];
  assigned: string[];
}) {
  const [state, action, pending] = useActionState(setCoachesAction, null);
  const [checked, setChecked] = useState<string[]>(assigned);
  const hydrated = useHydrated();
  if (coaches.length === 0) return <p className="text-sm text-slate-600">There are no coaches yet. Create a user with the coach role first.</p>;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="coachIds" value={checked.join(",")} />
      <fieldset>
        <legend className="sr-only">Coaches of this athlete</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {coaches.map((c) => (
            <label key={c.id} className="flex items-center gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                checked={checked.includes(c.id)}
                onChange={(e) => setChecked((now) => (e.target.checked ? [...now, c.id] : now.filter((id) => id !== c.id)))}
                className="size-4 rounded border-slate-300"
              />
              {c.name} <span className="text-slate-500">({c.email})</span>
            </label>
          ))}
        </div>
      </fieldset>
      <Button type="submit" variant="secondary" disabled={pending || !hydrated}>
        {pending ? "Saving…" : "Save coaches"}
      </Button>
      <ActionOutcome state={state} />
    </form>
  );
}
