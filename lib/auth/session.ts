import "server-only";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import type { Role } from "@/db/schema";
import { readSession } from "@/lib/auth/session-cookie";
import { findActiveUser, type SessionUser } from "@/lib/auth/users";

/**
 * Who is here: the signed-in user re-read from the database on every request (so a disabled account or a
 * changed role takes effect at once), or null. Cached per request.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await readSession(await cookies());
  return session ? findActiveUser(session.userId, session.signedInAt, session.sid) : null;
});

/** The home page of each role. */
export const ROLE_HOME: Record<Role, string> = { athlete: "/connections", coach: "/coach", admin: "/admin" };

/**
 * For pages and layouts: the current user when their role is one of `roles`. An anonymous visitor is redirected
 * to /login (the proxy has already sent a visitor without any session cookie there with the requested page as
 * callbackUrl); another role gets HTTP 403 through forbidden(), shown by the section's forbidden.tsx ("This page
 * is for coaches. You are signed in as an athlete.", issue 18 point 9). Never returns for those cases.
 */
export async function requireRole(...roles: Role[]): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  if (!roles.includes(user.role)) forbidden();
  return user;
}
