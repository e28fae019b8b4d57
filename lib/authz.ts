import "server-only";
import type { Role } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";

/** Permission → roles that hold it. The one table every server action, route handler and data function checks. */
export const PERMISSIONS = {
  /** Link, refresh and disconnect one's own connections. */
  "connections.manage_own": ["athlete"],
  /** Read the connection status of the athletes on one's own roster (data functions also check membership). */
  "roster.read": ["coach"],
  /** Create single-use invite links that sign people up onto one's own roster, list them, and cancel unused ones. */
  "invitations.create": ["coach"],
  /** Join a coach's roster through their invite link while signed in (an existing athlete account). */
  "invitations.accept": ["athlete"],
  /** Ask an athlete to reconnect a service (coaches only for their own roster: lib/reconnect-requests checks membership). */
  "reconnect_requests.create": ["coach", "admin"],
  /**
   * Ask the administrators to link ExorLive for an athlete, and cancel that request: an athlete for themself, a
   * coach for an athlete on their own roster (lib/integrations/exorlive/link-requests.ts checks which).
   */
  "exorlive_requests.create": ["athlete", "coach"],
  /** Read any athlete's connections and history, and the audit log. */
  "audit.read": ["admin"],
  /** Manage users and roles, and revoke any connection. */
  "users.manage": ["admin"],
  "connections.revoke_any": ["admin"],
  /** Link a service for an athlete server to server (ExorLive): the secret can mint a token for anyone. */
  "connections.link_for_athlete": ["admin"],
  /** See service configuration and manage app-level credentials (the FitRankings master token). */
  "credentials.manage": ["admin"],
  /** Create and revoke integrators' API keys, and read the API's interactive reference (/api/v1/docs). */
  "api_keys.manage": ["admin"],
  /** Register, test and delete integrators' webhook endpoints, and read and redeliver their deliveries. */
  "webhooks.manage": ["admin"],
  /** Read how the system is doing (/admin/system): refresh outcomes per service, the refresher's backlog, connections over time. */
  "system.read": ["admin"],
  /** Change one's own settings (which emails one gets): everyone, for themself only. */
  "settings.update": ["athlete", "coach", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Thrown when a user lacks a permission; its message is safe to show. */
export class ForbiddenError extends Error {
  override name = "ForbiddenError";
}

/** True when `user` holds `permission`. */
export function can(user: Pick<SessionUser, "role"> | null, permission: Permission): boolean {
  return user !== null && (PERMISSIONS[permission] as readonly Role[]).includes(user.role);
}

/** Throws ForbiddenError unless `user` holds `permission`; narrows `user` to non-null. */
export function assertCan(user: SessionUser | null, permission: Permission): asserts user is SessionUser {
  if (!can(user, permission)) throw new ForbiddenError("You do not have permission to do that.");
}
