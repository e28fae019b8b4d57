"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";

/**
 * The sign-in form; after signing in it loads `returnTo` (a path checked by safeReturnPath; "/" is the role's home).
 * A failed attempt keeps what was typed and moves focus to the error message, which names what to do next.
 */
export function LoginForm({ returnTo = "/" }: { returnTo?: string }) {
  const [error, setError] = useState<string | null>(null);
  // Counts failures, so each one mounts the message afresh and moves focus to it (a screen reader reads it out).
  const [failures, setFailures] = useState(0);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        // Checked again by next-auth's redirect callback (safeReturnPath); the page itself already reduced it.
        callbackUrl: returnTo,
        redirect: false,
      });
      if (result?.ok && !result.error) {
        // A full load, not router.push: every server component must render with the new session cookie. The
        // fragment (a card's anchor) came along with the redirect to this page; the server never saw it.
        window.location.assign(returnTo === "/" || returnTo.includes("#") ? returnTo : `${returnTo}${window.location.hash}`);
        return;
      }
      setFailures((n) => n + 1);
      setError(
        result?.error?.startsWith("RateLimited") ? rateLimitedMessage(result.error) : "The email or password is incorrect. Check both and try again.",
      );
    } catch {
      setFailures((n) => n + 1);
      setError("Sign-in could not be reached. Check your connection and try again.");
    }
    setPending(false);
  }

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
      {error ? (
        <div
          key={failures}
          id="login-error"
          role="alert"
          tabIndex={-1}
          ref={focusOnMount}
          className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 focus:outline-2 focus:outline-offset-2 focus:outline-red-600"
        >
          {error}
        </div>
      ) : null}
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-600"
        />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "login-error" : undefined}
          className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-600"
        />
      </div>
      <Button type="submit" className="w-full" disabled={pending || !hydrated}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}

/** A ref that focuses its element once, when it mounts (stable, so re-renders do not move focus again). */
function focusOnMount(element: HTMLElement | null) {
  element?.focus();
}

/** The sentence for `RateLimited:<seconds>`: how long to wait. */
function rateLimitedMessage(code: string): string {
  const seconds = Number(code.split(":")[1]) || 60;
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many failed sign-ins for this account from here. Wait ${wait}, then try again; each further failure makes the wait longer.`;
}
