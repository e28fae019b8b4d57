"use client";

import { signIn, signOut } from "next-auth/react";
import Link from "next/link";
import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { acceptInviteAction, joinRosterAction } from "./actions";

const INPUT =
  "mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600";

/** Name, Email, Password → creates the athlete through the invite `token`, signs in, goes to /connections. */
export function SignupForm({ token }: { token: string }) {
  const [error, setError] = useState<React.ReactNode>(null);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    form.set("token", token);
    setPending(true);
    setError(null);
    let created = false;
    try {
      const result = await acceptInviteAction(form);
      if ("error" in result) {
        setError(result.error);
        setPending(false);
        return;
      }
      created = true;
      const signedIn = await signIn("credentials", {
        email: String(form.get("email") ?? "").trim(),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (signedIn?.ok && !signedIn.error) {
        // A full load, not router.push: every server component must render with the new session cookie.
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination
        window.location.assign("/connections");
        return;
      }
      throw new Error("sign-in refused");
    } catch {
      setError(
        created ? (
          <>
            Your account was created, but signing you in did not work.{" "}
            <Link href="/login" className="font-semibold underline">
              Sign in
            </Link>{" "}
            with your email and password.
          </>
        ) : (
          "The server could not be reached, so no account was created. Check your connection and try again."
        ),
      );
    }
    setPending(false);
  }

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <div>
        <label htmlFor="name" className="block text-sm font-medium text-slate-700">
          Name
        </label>
        <input id="name" name="name" type="text" autoComplete="name" required maxLength={100} className={INPUT} />
      </div>
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          Email
        </label>
        <input id="email" name="email" type="email" autoComplete="email" required maxLength={254} className={INPUT} />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={200}
          aria-describedby="password-hint"
          className={INPUT}
        />
        <p id="password-hint" className="mt-1 text-xs text-slate-500">
          At least 8 characters
        </p>
      </div>
      <Button type="submit" className="w-full" disabled={pending || !hydrated}>
        {pending ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}

/** Signs the current user out and reloads this invite page, so the signup form shows. */
export function SignOutToAccept() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hydrated = useHydrated();

  async function onClick() {
    setPending(true);
    setError(null);
    try {
      await signOut({ redirect: false });
      window.location.reload();
    } catch {
      setError("Signing out did not work. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <div className="space-y-3">
      {error ? <Alert tone="error">{error}</Alert> : null}
      <Button variant="secondary" className="w-full" disabled={pending || !hydrated} onClick={onClick}>
        {pending ? "Signing out…" : "Sign out"}
      </Button>
    </div>
  );
}

/**
 * For a signed-in athlete: one button, "Join <coach>'s roster", that confirms joining through the invite `token`.
 * On success the button is replaced by the outcome and a link to the athlete's connections; on refusal the
 * sentence is shown and the button stays, so the athlete can try again.
 */
export function JoinRoster({ token, coachName }: { token: string; coachName: string }) {
  const [state, join, pending] = useActionState(joinRosterAction, null);
  const hydrated = useHydrated();
  if (state && "ok" in state) {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.ok}</Alert>
        <Link href="/connections" className="block text-center text-sm font-semibold text-brand-700 hover:underline">
          Go to your connections
        </Link>
      </div>
    );
  }
  return (
    <form action={join} className="space-y-3">
      {state && "error" in state ? <Alert tone="error">{state.error}</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <Button type="submit" className="w-full" disabled={pending || !hydrated}>
        {pending ? "Joining…" : `Join ${coachName}'s roster`}
      </Button>
    </form>
  );
}
