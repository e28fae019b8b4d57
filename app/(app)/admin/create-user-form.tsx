"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { useHydrated } from "@/components/ui/use-hydrated";
import { createUserAction } from "./actions";

/** The admin's "Create user" form. */
export function CreateUserForm() {
  const [state, action, pending] = useActionState(createUserAction, null);
  const hydrated = useHydrated();
  return (
    <form action={action} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="new-name" className={LABEL_CLASS}>
            Name
          </label>
          <input id="new-name" name="name" required maxLength={100} className={FIELD_CLASS} />
        </div>
        <div>
          <label htmlFor="new-email" className={LABEL_CLASS}>
            Email
          </label>
          <input id="new-email" name="email" type="email" required className={FIELD_CLASS} />
        </div>
        <div>
          <label htmlFor="new-role" className={LABEL_CLASS}>
            Role
          </label>
          <select id="new-role" name="role" defaultValue="athlete" className={FIELD_CLASS}>
            <option value="athlete">Athlete</option>
            <option value="coach">Coach</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <div>
          <label htmlFor="new-password" className={LABEL_CLASS}>
            Initial password
          </label>
          <input id="new-password" name="password" type="password" required minLength={8} autoComplete="new-password" className={FIELD_CLASS} />
        </div>
      </div>
      <Button type="submit" disabled={pending || !hydrated}>
        {pending ? "Creating…" : "Create user"}
      </Button>
      <ActionOutcome state={state} />
    </form>
  );
}
