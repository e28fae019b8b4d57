import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { EMAIL_KIND_INFO } from "@/lib/mail/preferences";
import { findUnsubscribeLink } from "@/lib/mail/unsubscribe";
import { parseQuery } from "@/lib/query";
import { LINK_CLASS, Shell } from "./shell";
import { UnsubscribeForm } from "./unsubscribe-form";

// The token is in the URL: keep it out of search engines and out of Referer headers sent elsewhere.
export const metadata: Metadata = { title: "Unsubscribe", robots: { index: false, follow: false }, referrer: "no-referrer" };

const query = z.object({ token: z.string().catch("") });

/**
 * /unsubscribe?token=…: the page a mail's unsubscribe link opens, without signing in. It only reads (docs/SECURITY.md
 * row 11): a valid token shows which mail it stops and for which (masked) address, and the POST of its button
 * unsubscribes; a malformed or tampered token, or one whose user is gone, shows that the link is not valid.
 */
export default async function UnsubscribePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = parseQuery(query, await searchParams);
  const link = await findUnsubscribeLink(token);
  if (!link)
    return (
      <Shell heading="This unsubscribe link is not valid">
        <p>Check that you opened the whole link from the email. You can also choose which emails you get in your settings.</p>
        <p>
          <Link href="/settings" className={LINK_CLASS}>
            Sign in to change your email settings
          </Link>
        </p>
      </Shell>
    );
  return <UnsubscribeForm token={token} label={EMAIL_KIND_INFO[link.kind].label} maskedEmail={link.maskedEmail} />;
}
