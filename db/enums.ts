/** The value sets both schemas (db/schema.sqlite.ts, db/schema.pg.ts) and the app share. */

export const ROLES = ["athlete", "coach", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const SERVICE_IDS = ["trainerday", "enduco", "fitrankings", "exorlive"] as const;
export type ServiceId = (typeof SERVICE_IDS)[number];

/**
 * Stored lifecycle state of a connection; the status users see is derived from it, the failure columns and
 * the clock (lib/connections/status.ts).
 */
export const CONNECTION_STATES = ["connected", "needs_reauth", "revocation_pending", "revoked_by_service", "disconnected"] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export const EVENT_KINDS = [
  "linked",
  "relinked",
  "link_failed",
  "refreshed",
  "refresh_failed",
  "needs_reauth",
  "disconnected",
  "revocation_pending",
  "revocation_failed",
  "revocation_refused",
  "deregistered_by_service",
  "plan_changed",
  "tokens_discarded",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const ADMIN_ACTION_KINDS = [
  "user_created",
  "role_changed",
  "user_disabled",
  "user_enabled",
  "coach_assigned",
  "coach_unassigned",
  "connection_revoked",
  "exorlive_linked",
  "master_token_renewed",
] as const;
export type AdminActionKind = (typeof ADMIN_ACTION_KINDS)[number];
