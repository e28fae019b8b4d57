import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";

/**
 * "New password" and "New password again" (form fields `password` and `confirm`), with the minimum length
 * (`minLength`, in characters) in the hint and `note` after it. Used by the reset-link page and Settings' Change
 * password, so both ask the same way; the server checks the rule again (lib/auth/password.ts).
 */
export function NewPasswordFields({ minLength, note }: { minLength: number; note?: string }) {
  return (
    <>
      <div>
        <label htmlFor="new-password" className={LABEL_CLASS}>
          New password
        </label>
        <input
          id="new-password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={minLength}
          aria-describedby="new-password-hint"
          className={FIELD_CLASS}
        />
        <p id="new-password-hint" className="mt-1 text-xs text-slate-600">
          At least {minLength} characters.{note ? ` ${note}` : ""}
        </p>
      </div>
      <div>
        <label htmlFor="confirm-password" className={LABEL_CLASS}>
          New password again
        </label>
        <input id="confirm-password" name="confirm" type="password" autoComplete="new-password" required className={FIELD_CLASS} />
      </div>
    </>
  );
}
