import { LocalTime } from "@/components/ui/local-time";
import { PublicShell } from "@/components/layout/public-shell";
import type { Metadata } from "next";
import Link from "next/link";
import { redirectToCanonicalHost } from "@/lib/auth/canonical-host";
import { getCurrentUser } from "@/lib/auth/session";
import { checkInvitation, type InvitationCheck } from "@/lib/invitations";
import { JoinRoster, SignOutToAccept, SignupForm } from "./signup-form";
import { canJoinByInvitation } from "@/lib/invitations";
import { failed } from "@/lib/result";
import { loginPathFor } from "@/lib/redirects";
import { env } from "@/lib/env";

// The token is in the URL: keep it out of search engines and out of Referer headers sent elsewhere.
export const metadata: Metadata = { title: "Join TrainLink", robots: { index: false, follow: false }, referrer: "no-referrer" };

function refusal(check: Extract<InvitationCheck, { error: string }>): { title: string; detail: React.ReactNode } {
  switch (check.error) {
    case "used":
      return {
        title: "This invite link was already used",
        detail: "Each invite link works once. If you created an account with it, sign in. Otherwise ask your coach for a new link.",
      };
    case "expired":
      return {
        title: "This invite link has expired",
        detail: (
          <>
            It expired
            {check.expiredAt ? (
              <>
                {" "}
                on <LocalTime ms={check.expiredAt.getTime()} />
              </>
            ) : null}
            . Invite links are valid for 7 days: ask your coach for a new one.
          </>
        ),
      };
    default:
      return {
        title: "This invite link is not valid",
        detail: "Check that you opened the whole link your coach sent you, or ask your coach for a new one.",
      };
  }
}

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  await redirectToCanonicalHost(`/invite/${encodeURIComponent(token)}`);
  const check = await checkInvitation(token);
  if (failed(check)) {
    const { title, detail } = refusal(check);
    return (
      <PublicShell heading={title}>
        <p className="text-sm text-slate-600">{detail}</p>
        <p className="mt-6 text-sm">
          <Link href="/login" className="font-semibold text-brand-700 hover:underline">
            Go to sign in
          </Link>
        </p>
      </PublicShell>
    );
  }

  const user = await getCurrentUser();
  if (user && canJoinByInvitation(user)) {
    return (
      <PublicShell heading={`Join ${check.coachName}'s roster on TrainLink`}>
        <p className="mb-4 text-sm text-slate-600">
          You are signed in as <span className="font-semibold text-slate-900">{user.email}</span>. Join {check.coachName}&apos;s roster with this
          account: {check.coachName} will see the status of your connections (not your training data). This link expires{" "}
          <LocalTime ms={check.expiresAt.getTime()} />.
        </p>
        <JoinRoster token={token} coachName={check.coachName} />
      </PublicShell>
    );
  }
  if (user) {
    return (
      <PublicShell heading={`Join ${check.coachName}'s roster on TrainLink`}>
        <p className="mb-4 text-sm text-slate-600">
          You are signed in as <span className="font-semibold text-slate-900">{user.email}</span>, a {user.role} account. Invite links put athletes on
          a roster: sign out, then create or sign in to an athlete account with this link.
        </p>
        <SignOutToAccept />
      </PublicShell>
    );
  }

  return (
    <PublicShell heading={`Join ${check.coachName}'s roster on TrainLink`}>
      <p className="mb-4 text-sm text-slate-600">
        Create your athlete account to link your training services. {check.coachName} will see their connection status. This link expires{" "}
        <LocalTime ms={check.expiresAt.getTime()} />.
      </p>
      <SignupForm token={token} />
      <p className="mt-6 text-center text-sm text-slate-500">
        Already have an account?{" "}
        <Link href={loginPathFor(`/invite/${encodeURIComponent(token)}`, env.NEXTAUTH_URL)} className="font-semibold text-brand-700 hover:underline">
          Sign in
        </Link>{" "}
        to join {check.coachName}&apos;s roster with it.
      </p>
    </PublicShell>
  );
}
