import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { redirectToCanonicalHost } from "@/lib/auth/canonical-host";
import { getCurrentUser, ROLE_HOME } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { postLoginPath } from "@/lib/redirects";
import { Alert } from "@/components/ui/alert";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, string> = {
  link_signed_out: "Your session ended before linking finished, so nothing was stored. Sign in and click Connect again.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = new URLSearchParams(
    Object.entries(await searchParams).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : v === undefined ? [] : [[k, v]])),
  ).toString();
  await redirectToCanonicalHost(`/login${query ? `?${query}` : ""}`);
  const notice = NOTICES[String((await searchParams).notice ?? "")];
  // Where to go after signing in (the page a signed-out visitor asked for, or a reconnect request's link): one of
  // our own sections only (SECURITY.md row 4), else the role's home. A signed-in visitor goes there at once.
  const returnTo = postLoginPath(await searchParams, env.NEXTAUTH_URL);
  const user = await getCurrentUser();
  if (user) redirect(returnTo === "/" ? ROLE_HOME[user.role] : returnTo);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="text-2xl font-bold tracking-tight text-brand-900">TrainLink</p>
          <h1 className="mt-2 text-lg font-semibold text-slate-700">Sign in to your account</h1>
        </div>
        {notice ? (
          <div className="mb-4">
            <Alert tone="info">{notice}</Alert>
          </div>
        ) : null}
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <LoginForm returnTo={returnTo} />
          <p className="mt-4 text-center text-sm">
            <Link href="/forgot-password" className="font-medium text-brand-700 underline">
              Forgot password?
            </Link>
          </p>
        </div>
        <p className="mt-6 text-center text-sm text-slate-500">Athletes link training services; coaches and admins keep watch.</p>
      </div>
    </main>
  );
}
