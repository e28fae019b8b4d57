import "server-only";
import { asc, eq, or, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import { users, type Role } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { likePattern } from "@/lib/admin/users";

/** At most this many suggestions per search (the filter's list, not a directory). */
export const USER_SUGGESTION_LIMIT = 10;

/** One user as the audit filters suggest and show them. */
export interface UserSuggestion {
  id: string;
  name: string;
  email: string;
  role: Role;
}

/** The query of a user search: `q`, trimmed, 1–100 characters. */
export const userSearchQuery = z.object({ q: z.string().trim().min(1).max(100) });

const columns = { id: users.id, name: users.name, email: users.email, role: users.role };

/**
 * Up to `limit` users (default 10) whose name or email contains `q` (case-insensitive on both engines, LIKE
 * wildcards taken literally), ordered by name, then email. For the audit log's actor and athlete filters.
 * Admins only (audit.read): throws ForbiddenError otherwise. A blank `q` finds nobody.
 */
export async function searchUsers(viewer: SessionUser | null, q: string, limit = USER_SUGGESTION_LIMIT): Promise<UserSuggestion[]> {
  assertCan(viewer, "audit.read");
  const text = q.trim();
  if (!text) return [];
  const pattern = likePattern(text);
  return db
    .select(columns)
    .from(users)
    .where(or(sql`lower(${users.name}) LIKE lower(${pattern}) ESCAPE '\\'`, sql`lower(${users.email}) LIKE lower(${pattern}) ESCAPE '\\'`))
    .orderBy(asc(users.name), asc(users.email))
    .limit(limit);
}

/** What a typed person filter resolves to: one user, nobody, or several to pick from (at most 10 listed, `more` when there are others). */
export type PersonResolution = { kind: "one"; user: UserSuggestion } | { kind: "none" } | { kind: "many"; users: UserSuggestion[]; more: boolean };

/**
 * A person filter as typed or linked (`value`: a user id, an email, or part of a name or email) resolved to a
 * user: an exact id or email first (shared filter URLs carry those), then a search, which resolves when it
 * finds exactly one user. Admins only (audit.read): throws ForbiddenError otherwise.
 */
export async function resolvePerson(viewer: SessionUser | null, value: string): Promise<PersonResolution> {
  assertCan(viewer, "audit.read");
  const text = value.trim();
  if (!text) return { kind: "none" };
  const exact = await db
    .select(columns)
    .from(users)
    .where(text.includes("@") ? eq(users.email, text.toLowerCase()) : eq(users.id, text))
    .limit(1)
    .then(firstRow);
  if (exact) return { kind: "one", user: exact };
  const found = await searchUsers(viewer, text, USER_SUGGESTION_LIMIT + 1);
  const [only] = found;
  if (found.length === 1 && only) return { kind: "one", user: only };
  if (found.length === 0) return { kind: "none" };
  return { kind: "many", users: found.slice(0, USER_SUGGESTION_LIMIT), more: found.length > USER_SUGGESTION_LIMIT };
}
