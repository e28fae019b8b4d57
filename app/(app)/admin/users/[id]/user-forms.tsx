"use client";

import { useActionState, useId, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent, DialogRoot, DialogTrigger } from "@/components/ui/dialog";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { Role } from "@/db/schema";
import { changeRoleAction, setCoachesAction } from "../../actions";

const ROLE_WORDS: Record<Role, { label: string; article: string; does: string }> = {
  admin: {
    label: "admin",
    article: "an",
    does: "Admins can manage every user and revoke any connection. Give this role only to people who run TrainLink.",
  },
  coach: { label: "coach", article: "a", does: "Coaches see the connection status of the athletes on their roster and can invite athletes." },
  athlete: { label: "athlete", article: "an", does: "Athletes link and manage their own training services." },
};

/** What the role confirmation says when `name`'s role goes from `from` to `to`; stronger words for admin, and what they lose. */
function roleChangeWords(name: string, from: Role, to: Role): { title: string; description: string; confirm: string } {
  const target = ROLE_WORDS[to];
  const loses = from === "admin" ? ` ${name} loses admin access at their next request.` : from === "coach" ? ` ${name} no longer sees a roster.` : "";
  return { title: `Make ${name} ${target.article} ${target.label}?`, description: `${target.does}${loses}`, confirm: `Make ${target.label}` };
}

/**
 * Role select with a Change role button that asks first (a Radix dialog naming the person and what the new role
 * may do; red for admin). Cancel leaves the role as it was; the dialog's button submits the form.
 */
export function RoleForm({ userId, userName, role, disabled }: { userId: string; userName: string; role: Role; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<Role>(role);
  const [unchanged, setUnchanged] = useState(false);
  const [state, action, pending] = useActionState(async (previous: Parameters<typeof changeRoleAction>[0], form: FormData) => {
    const result = await changeRoleAction(previous, form);
    setOpen(false);
    return result;
  }, null);
  const hydrated = useHydrated();
  const formId = useId();
  const words = roleChangeWords(userName, role, chosen);
  return (
    <form id={formId} action={action} className="space-y-3">
      <input type="hidden" name="userId" value={userId} />
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="role" className={LABEL_CLASS}>
            Role
          </label>
          <select
            id="role"
            name="role"
            value={chosen}
            onChange={(e) => {
              setChosen(e.target.value as Role);
              setUnchanged(false);
            }}
            className={FIELD_CLASS}
            disabled={disabled}
          >
            <option value="athlete">Athlete</option>
            <option value="coach">Coach</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <DialogRoot
          open={open}
          onOpenChange={(next) => {
            // Nothing to confirm when the role picked is the current one: say so instead of opening the dialog.
            setUnchanged(next && chosen === role);
            setOpen(next && chosen !== role);
          }}
        >
          <DialogTrigger asChild>
            <Button variant="secondary" disabled={disabled || pending || !hydrated}>
              {pending ? "Saving…" : "Change role"}
            </Button>
          </DialogTrigger>
          <DialogContent title={words.title} description={<p>{words.description}</p>}>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" form={formId} variant={chosen === "admin" ? "danger" : "primary"} disabled={pending}>
              {words.confirm}
            </Button>
          </DialogContent>
        </DialogRoot>
      </div>
      <p role="status" className="text-sm text-slate-600 empty:hidden">
        {unchanged ? `${userName} already is ${ROLE_WORDS[role].article} ${ROLE_WORDS[role].label}. Pick another role first.` : ""}
      </p>
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
            <label key={c.id} className="flex min-w-0 items-center gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                checked={checked.includes(c.id)}
                onChange={(e) => setChecked((now) => (e.target.checked ? [...now, c.id] : now.filter((id) => id !== c.id)))}
                className="size-4 rounded border-slate-300"
              />
              {/* A long email wraps anywhere: a flex item is otherwise as wide as its longest word. */}
              <span className="min-w-0 [overflow-wrap:anywhere]">
                {c.name} <span className="text-slate-500">({c.email})</span>
              </span>
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
