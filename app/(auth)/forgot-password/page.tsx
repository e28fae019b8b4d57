import type { Metadata } from "next";
import Link from "next/link";
import { ForgotForm } from "./forgot-form";

export const metadata: Metadata = { title: "Forgot password" };

/** /forgot-password: asks for an email and mails a single-use reset link (lib/auth/password-reset.ts). */
export default function ForgotPasswordPage() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="text-2xl font-bold tracking-tight text-brand-900">TrainLink</p>
          <h1 className="mt-2 text-lg font-semibold text-slate-700">Reset your password</h1>
          <p className="mt-2 text-sm text-slate-600">Enter the email you sign in with. We will mail you a link to choose a new password.</p>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <ForgotForm />
        </div>
        <p className="mt-6 text-center text-sm">
          <Link href="/login" className="font-medium text-brand-700 underline">
            Back to sign in
          </Link>
        </p>
      </div>
    </main>
  );
}
