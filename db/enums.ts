/** The value sets both schemas (db/schema.sqlite.ts, db/schema.pg.ts) and the app share. */

export const ROLES = ["athlete", "coach", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const SERVICE_IDS = ["trainerday", "enduco", "fitrankings", "exorlive"] as const;
export type ServiceId = (typeof SERVICE_IDS)[number];

/** Who an `app_credentials` row belongs to: a service, or "trainlink" for the app's own (the key canary). */
export const CREDENTIAL_OWNERS = [...SERVICE_IDS, "trainlink"] as const;

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
  "verification_failed",
  "alert_sent",
  "recovered",
  "reconnect_requested",
  "reconnect_request_opened",
  "reconnect_request_reminded",
  "reconnect_request_reconnected",
  "reconnect_request_verified",
  "reconnect_request_cancelled",
  "access_token_issued",
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
  "api_key_created",
  "api_key_revoked",
  "webhook_endpoint_created",
  "webhook_endpoint_updated",
  "webhook_endpoint_deleted",
  "webhook_endpoint_disabled",
  "bulk_revoke",
  "bulk_export",
  "invitation_accepted",
  "invitation_cancelled",
  "password_reset_sent",
  "password_reset_requested",
  "password_reset_completed",
  "password_changed",
  "exorlive_link_requested",
  "exorlive_link_request_approved",
  "exorlive_link_request_declined",
  "exorlive_link_request_cancelled",
] as const;
export type AdminActionKind = (typeof ADMIN_ACTION_KINDS)[number];

/**
 * Why a connection needs its athlete (lib/alerts): one open alert per connection per episode, from the moment it
 * needs them until it works again.
 */
export const ALERT_KINDS = ["needs_reauth", "revoked_by_service", "missing_permissions", "refresh_failing"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The kinds of email a person can switch on or off (settings page, signed unsubscribe links). */
export const EMAIL_KINDS = ["connection_alerts", "connection_recovered", "reconnect_requests", "coach_digest"] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** Where a coach's or admin's "Please reconnect" request stands; `verified` and `cancelled` close it. */
export const RECONNECT_REQUEST_STATUSES = ["sent", "opened", "reconnected", "verified", "cancelled"] as const;
export type ReconnectRequestStatus = (typeof RECONNECT_REQUEST_STATUSES)[number];

/**
 * Where an athlete's (or their coach's) "Please link ExorLive" request to the administrators stands
 * (lib/integrations/exorlive/link-requests.ts): `open` until an admin approves or declines it, or the athlete or
 * coach cancels it.
 */
export const EXORLIVE_LINK_REQUEST_STATUSES = ["open", "approved", "declined", "cancelled"] as const;
export type ExorLiveLinkRequestStatus = (typeof EXORLIVE_LINK_REQUEST_STATUSES)[number];

/** What an integrator's API key may do (Authorization: Bearer <key> on /api/v1). */
export const API_KEY_SCOPES = ["connections:read", "tokens:issue", "connections:revoke", "webhooks:manage"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The lifecycle events an integrator's webhook endpoint can subscribe to (Standard Webhooks `type`). */
export const WEBHOOK_EVENT_TYPES = [
  "connection.linked",
  "connection.refresh_failed",
  "connection.needs_reauth",
  "connection.revoked",
  "connection.recovered",
  "connection.scopes_missing",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
