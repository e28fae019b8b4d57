import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { Role } from "@/db/schema";
import { getAuthOptions } from "./options";
import { findActiveUser, type SessionUser } from "./users";

/**
 * Who is here: the signed-in user re-read from the database on every request (so a disabled account or a
 * changed role takes effect at once), or null. Cached per request.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(getAuthOptions());
  const id = session?.user?.id;
  return id ? findActiveUser(id, session.user.issuedAt) : null;
});

/** The home page of each role. */
export const ROLE_HOME: Record<Role, string> = { athlete: "/connections", coach: "/coach", admin: "/admin" };

/**
 * For pages and layouts: the current user when their role is one of `roles`; otherwise redirects
 * (anonymous → /login, another role → that role's home). Never returns for those cases.
 */
export async function requireRole(...roles: Role[]): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  if (!roles.includes(user.role)) redirect(ROLE_HOME[user.role]);
  return user;
}
