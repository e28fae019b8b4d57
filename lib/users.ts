import "server-only";
import { and, asc, count, eq } from "drizzle-orm";
import { db } from "@/db";
import { accounts, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";

/**
 * Every user with their count of live connections, ordered by name. For admins only: throws ForbiddenError
 * when `viewer` lacks users.manage.
 */
export async function listUsers(viewer: SessionUser | null) {
  assertCan(viewer, "users.manage");
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, connected: count(accounts.id) })
    .from(users)
    .leftJoin(accounts, and(eq(accounts.userId, users.id), eq(accounts.state, "connected")))
    .groupBy(users.id)
    .orderBy(asc(users.name))
    .all();
}
