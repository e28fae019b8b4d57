import type { Metadata } from "next";
import { requireRole } from "@/lib/auth/session";
import { emailSettingsOf, ROLE_PLURAL } from "@/lib/mail/settings";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-reset";
import { EmailSettingsForm } from "./email-settings-form";
import { PasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Settings" };

/** /settings, for every role: which emails the signed-in user gets, one switch per kind their role receives. */
export default async function SettingsPage() {
  const user = await requireRole("athlete", "coach", "admin");
  const settings = await emailSettingsOf(user);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Settings</h1>
        <p className="mt-1 text-sm text-slate-600">Choose which emails TrainLink sends you, and change your password.</p>
      </div>
      <section aria-labelledby="email-heading" className="max-w-3xl rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="email-heading" className="text-base font-semibold text-slate-900">
          Email notifications
        </h2>
        {settings.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">There are no emails for {ROLE_PLURAL[user.role]} yet.</p>
        ) : (
          <>
            <p className="mt-1 mb-4 text-sm text-slate-600">
              Emails go to <span className="font-medium text-slate-800">{user.email}</span>. Changes are saved as soon as you switch.
            </p>
            <EmailSettingsForm settings={settings} />
          </>
        )}
      </section>
      <section aria-labelledby="password-heading" className="max-w-3xl rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="password-heading" className="text-base font-semibold text-slate-900">
          Password
        </h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">Change the password you sign in with.</p>
        <PasswordForm email={user.email} minLength={PASSWORD_MIN_LENGTH} />
      </section>
    </div>
  );
}
