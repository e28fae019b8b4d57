import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { checkResetLink, PASSWORD_MIN_LENGTH, type ResetLinkProblem } from "@/lib/auth/password-reset";
import { ResetForm } from "./reset-form";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

const PROBLEMS: Record<ResetLinkProblem, string> = {
  unknown: "This reset link is not valid. Ask for a new one.",
  used: "This reset link was already used. Ask for a new one if you need to reset your password again.",
  expired: "This reset link has expired (links work for 30 minutes). Ask for a new one.",
};

/** /reset-password/<token>: the page a reset mail links to; sets a new password while the link is valid. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const check = await checkResetLink(token);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="text-2xl font-bold tracking-tight text-brand-900">TrainLink</p>
          <h1 className="mt-2 text-lg font-semibold text-slate-700">Choose a new password</h1>
          {"email" in check ? <p className="mt-2 text-sm text-slate-600">For {check.email}</p> : null}
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          {"email" in check ? (
            <ResetForm token={token} email={check.email} minLength={PASSWORD_MIN_LENGTH} />
          ) : (
            <div className="space-y-4">
              <Alert tone="error">{PROBLEMS[check.error]}</Alert>
              <Link href="/forgot-password" className="block text-center font-medium text-brand-700 underline">
                Ask for a new link
              </Link>
            </div>
          )}
        </div>
      </div>
    </main>
  );
}
