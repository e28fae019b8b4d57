import "server-only";
import { and, asc, count, eq } from "drizzle-orm";
import { db } from "@/db";
import { accounts, users } from "@/db/schema";
import { getCurrentUser } from "@/lib/auth/session";
import { assertCan } from "@/lib/authz";

/**
 * Every user with their count of live connections, ordered by name. For admins only: throws ForbiddenError
 * for anyone else.
 */
export async function listUsers() {
  assertCan(await getCurrentUser(), "users.manage");
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, connected: count(accounts.id) })
    .from(users)
    .leftJoin(accounts, and(eq(accounts.userId, users.id), eq(accounts.state, "connected")))
    .groupBy(users.id)
    .orderBy(asc(users.name))
    .all();
}
