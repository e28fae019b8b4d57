"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { EmailSetting } from "@/lib/mail/settings";
import { setEmailPreferenceAction } from "./actions";

/**
 * One on/off switch per kind of mail, named by the kind's label and described by its description. A switch is a
 * submit button of its own small form that asks for the opposite of what is shown, so it saves at once; the
 * page re-renders with what was stored, and one message under the list says what was saved or why not. The
 * switches stay enabled while saving, so keyboard focus stays on the one just used.
 */
export function EmailSettingsForm({ settings }: { settings: EmailSetting[] }) {
  const [state, save] = useActionState(setEmailPreferenceAction, null);
  const hydrated = useHydrated();
  return (
    <div className="space-y-4">
      <ul className="divide-y divide-slate-200">
        {settings.map((setting) => (
          <li key={setting.kind} className="flex items-start justify-between gap-6 py-4 first:pt-0">
            <div>
              <p id={`email-${setting.kind}-label`} className="text-sm font-medium text-slate-900">
                {setting.label}
              </p>
              <p id={`email-${setting.kind}-description`} className="mt-1 text-sm text-slate-600">
                {setting.description}
              </p>
            </div>
            <form action={save} className="shrink-0">
              <input type="hidden" name="kind" value={setting.kind} />
              <input type="hidden" name="enabled" value={setting.enabled ? "false" : "true"} />
              <button
                type="submit"
                role="switch"
                aria-checked={setting.enabled}
                aria-labelledby={`email-${setting.kind}-label`}
                aria-describedby={`email-${setting.kind}-description`}
                disabled={!hydrated}
                className="flex items-center gap-2 rounded-full text-sm font-medium text-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:cursor-not-allowed disabled:opacity-60"
              >
                <span
                  aria-hidden="true"
                  className={`relative inline-flex h-6 w-11 items-center rounded-full transition-colors ${setting.enabled ? "bg-brand-600" : "bg-slate-300"}`}
                >
                  <span
                    className={`inline-block size-5 rounded-full bg-white shadow transition-transform ${setting.enabled ? "translate-x-5.5" : "translate-x-0.5"}`}
                  />
                </span>
                <span aria-hidden="true" className="w-7 text-left">
                  {setting.enabled ? "On" : "Off"}
                </span>
              </button>
            </form>
          </li>
        ))}
      </ul>
      <ActionOutcome state={state} />
    </div>
  );
}
