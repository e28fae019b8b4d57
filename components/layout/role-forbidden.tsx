import Link from "next/link";
import type { Role } from "@/db/schema";
import { forbiddenMessage } from "@/lib/auth/forbidden-message";
import { getCurrentUser, ROLE_HOME } from "@/lib/auth/session";

/**
 * The body of a section's forbidden.tsx (answered with HTTP 403 by forbidden() in requireRole): says which role
 * the page is for, which role the viewer has, and links to the viewer's own home page. Never names the data
 * the page would have shown.
 */
export async function RoleForbidden({ required }: { required: readonly Role[] }) {
  const user = await getCurrentUser();
  return (
    <section aria-labelledby="forbidden-title" className="mx-auto max-w-md py-16 text-center">
      <h1 id="forbidden-title" className="text-2xl font-semibold text-slate-900">
        You cannot open this page
      </h1>
      <p className="mt-2 text-slate-600">{user ? forbiddenMessage(required, user.role) : "This page is for another role."}</p>
      <Link href={user ? ROLE_HOME[user.role] : "/"} className="mt-6 inline-block font-medium text-brand-700 underline">
        Go to your home page
      </Link>
    </section>
  );
}
