/**
 * The PostgreSQL twin of db/schema.sqlite.ts (issue 14: `DATABASE_URL=postgres://…`): the same tables, columns,
 * constraints and indexes in PostgreSQL's own types — `timestamptz` for every instant (SQLite keeps
 * milliseconds in an integer), `bigint` identity columns for the audit tables' ids and the access token's
 * expiry in seconds, `text` for sealed tokens, `jsonb` for JSON (SQLite: text). db/schema-parity.test.ts compares the two so they cannot drift.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import {
  ADMIN_ACTION_KINDS,
  ALERT_KINDS,
  CREDENTIAL_OWNERS,
  CONNECTION_STATES,
  EMAIL_KINDS,
  EVENT_KINDS,
  EXORLIVE_LINK_REQUEST_STATUSES,
  RECONNECT_REQUEST_STATUSES,
  ROLES,
  SERVICE_IDS,
} from "./enums";

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    role: text("role", { enum: ROLES }).notNull().default("athlete"),
    createdAt: createdAt(),
    disabledAt: timestamp("disabled_at", { withTimezone: true, mode: "date" }),
    /** Sessions issued before this moment are refused (set when the user is disabled). */
    sessionsRevokedAt: timestamp("sessions_revoked_at", { withTimezone: true, mode: "date" }),
  },
  // Lists ordered by name (admin users, admin connections) walk this index instead of sorting every row.
  (t) => [index("users_name_idx").on(t.name, t.id)],
);

export const coachAthletes = pgTable(
  "coach_athletes",
  {
    coachId: text("coach_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    athleteId: text("athlete_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.coachId, t.athleteId] }), index("coach_athletes_athlete_idx").on(t.athleteId)],
);

/**
 * One row per athlete per service: a connection. Token columns hold values sealed by lib/crypto (never plain
 * text); `expires_at` is the access token's absolute expiry in **seconds** since the epoch.
 */
export const accounts = pgTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull().default("oauth"),
    provider: text("provider", { enum: SERVICE_IDS }).notNull(),
    providerAccountId: text("provider_account_id"),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    keyId: text("key_id"),
    expiresAt: bigint("expires_at", { mode: "number" }),
    tokenType: text("token_type"),
    scope: text("scope"),
    requestedScope: text("requested_scope"),
    environment: text("environment"),
    state: text("state", { enum: CONNECTION_STATES }).notNull().default("connected"),
    linkedAt: timestamp("linked_at", { withTimezone: true, mode: "date" }),
    lastRefreshedAt: timestamp("last_refreshed_at", { withTimezone: true, mode: "date" }),
    lastError: text("last_error"),
    lastErrorAt: timestamp("last_error_at", { withTimezone: true, mode: "date" }),
    failureCount: integer("failure_count").notNull().default(0),
    /** When the refresher may try again after a transient failure (exponential backoff). */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }),
    /** The single-flight lease: who is refreshing (or revoking) this connection, and until when. */
    refreshLeaseUntil: timestamp("refresh_lease_until", { withTimezone: true, mode: "date" }),
    refreshLeaseOwner: text("refresh_lease_owner"),
    /** When the connection last proved to work: a successful refresh, or a verification request (FitRankings). */
    lastVerifiedAt: timestamp("last_verified_at", { withTimezone: true, mode: "date" }),
    /** When the current run of failed refreshes began (null while refreshes succeed): alerts wait a quiet period. */
    failingSince: timestamp("failing_since", { withTimezone: true, mode: "date" }),
    /** Last "plan changed" notification from the service (enduco webhook). */
    planChangedAt: timestamp("plan_changed_at", { withTimezone: true, mode: "date" }),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    uniqueIndex("accounts_user_provider_uq").on(t.userId, t.provider),
    // A service account belongs to at most one athlete among live connections; once unlinked it is free again.
    uniqueIndex("accounts_provider_account_live_uq")
      .on(t.provider, t.providerAccountId)
      .where(sql`${t.state} IN ('connected', 'needs_reauth', 'revocation_pending')`),
    index("accounts_due_idx").on(t.state, t.expiresAt),
    // The alert check finds connections failing for longer than the quiet period here: only failing rows are indexed.
    index("accounts_failing_idx")
      .on(t.failingSince)
      .where(sql`${t.failingSince} IS NOT NULL`),
  ],
);

/** The audit trail of connections. `detail` is short human-readable text; it never holds a token. */
export const connectionEvents = pgTable(
  "connection_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: createdAt(),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    athleteId: text("athlete_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    service: text("service", { enum: SERVICE_IDS }).notNull(),
    kind: text("kind", { enum: EVENT_KINDS }).notNull(),
    detail: text("detail"),
    /** How long the service took to answer the refresh this event records, in milliseconds; null for other kinds. */
    latencyMs: integer("latency_ms"),
  },
  (t) => [
    index("connection_events_athlete_idx").on(t.athleteId, t.at),
    index("connection_events_at_idx").on(t.at),
    // The System page's 30-day history reads only status-changing events (lib/admin/system/status-history.ts):
    // routine refreshes, most of the table, stay out of this index. The query repeats this WHERE word for word.
    index("connection_events_changes_idx")
      .on(t.at)
      .where(sql`${t.kind} <> 'refreshed' OR ${t.detail} LIKE '%recovered after %'`),
    index("connection_events_actor_idx").on(t.actorId),
  ],
);

/**
 * One row per started authorization request: the `state` (stored as its SHA-256), the service it was sent
 * to, and the user who started it. Consumed exactly once by the callback (RFC 9700 §4.7, §4.4).
 */
export const oauthFlows = pgTable("oauth_flows", {
  stateHash: text("state_hash").primaryKey(),
  service: text("service", { enum: SERVICE_IDS }).notNull(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  returnTo: text("return_to").notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  consumedAt: timestamp("consumed_at", { withTimezone: true, mode: "date" }),
  /**
   * next-auth's check cookies of this flow (state, PKCE code_verifier) as next-auth set them: JSON name → value,
   * each value next-auth's own encrypted JWT. Replayed to next-auth at the callback, so flows started in two
   * tabs (one cookie name each) do not overwrite each other's. Null for flows without them (FitRankings).
   */
  checkCookies: jsonb("check_cookies").$type<Record<string, string>>(),
});

/**
 * Single-use invitations a coach creates: whoever opens the link within 7 days signs up as an athlete on
 * that coach's roster. Only the SHA-256 of the link's token is stored.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    coachId: text("coach_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
    usedBy: text("used_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [index("invitations_coach_idx").on(t.coachId)],
);

/**
 * Password-reset links (issue 18): one row per link mailed, valid until `expires_at` (30 minutes after creation),
 * single use (`used_at`). Only the SHA-256 (hex) of the 256-bit token is stored. `requested_by` is the admin who
 * sent it, or null when the person asked for it on the sign-in page.
 */
export const passwordResets = pgTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("password_resets_user_idx").on(t.userId, t.createdAt)],
);

/** What admins did (besides connection events, which carry their own actor): the other half of the audit log. */
export const adminActions = pgTable(
  "admin_actions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    targetUserId: text("target_user_id").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind", { enum: ADMIN_ACTION_KINDS }).notNull(),
    service: text("service", { enum: SERVICE_IDS }),
    detail: text("detail"),
  },
  (t) => [index("admin_actions_at_idx").on(t.at), index("admin_actions_actor_idx").on(t.actorId)],
);

/**
 * Sign-in throttling (lib/auth/throttle.ts): consecutive failed sign-ins per key — `pair:<email>|<client>`,
 * `client:<address>`, `account:<email>` or `pair:<email>|device:<id>` — and when the last one happened; the
 * next attempt on that key waits a delay that grows with the count. Forgotten after a quiet day.
 */
export const signInThrottle = pgTable("sign_in_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  lastFailureAt: timestamp("last_failure_at", { withTimezone: true, mode: "date" }).notNull(),
});

/** Every webhook call received, accepted or not (the doc defines no signature, so each is kept for audit). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: createdAt(),
    service: text("service", { enum: SERVICE_IDS }).notNull(),
    kind: text("kind").notNull(),
    status: integer("status").notNull(),
    serviceUserId: text("service_user_id"),
    detail: text("detail"),
  },
  (t) => [index("webhook_deliveries_at_idx").on(t.at)],
);

/** Small per-service facts learned at run time (e.g. which grant_type enduco accepted). */
export const serviceSettings = pgTable(
  "service_settings",
  {
    service: text("service", { enum: SERVICE_IDS }).notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.key] })],
);

/**
 * Sessions ended by Sign out before their cookie expires: the session id (`sid` claim of next-auth's JWT) and
 * the cookie's own expiry, after which the row is useless and pruned.
 */
export const revokedSessions = pgTable("revoked_sessions", {
  sid: text("sid").primaryKey(),
  expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
});

/**
 * The health of TrainLink's own client credentials at each service. A row exists while the service refuses them
 * (`invalid_client`, `unauthorized_client`, `unsupported_grant_type` or a bare 401 from its token endpoint): an
 * operator problem, not the athletes'. The refresher leaves the service alone until `next_attempt_at`; the first
 * success deletes the row (lib/connections/service-health.ts).
 */
export const serviceHealth = pgTable("service_health", {
  service: text("service", { enum: SERVICE_IDS }).primaryKey(),
  credentialsRejectedAt: timestamp("credentials_rejected_at", { withTimezone: true, mode: "date" }).notNull(),
  lastError: text("last_error").notNull(),
  failureCount: integer("failure_count").notNull().default(1),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
});

/**
 * App-level credentials a service issues to this app as a whole (the FitRankings master token), sealed like
 * connection tokens, and the app's own key canary (service "trainlink", lib/readiness/canary.ts). One row per
 * service and kind.
 */
export const appCredentials = pgTable(
  "app_credentials",
  {
    service: text("service", { enum: CREDENTIAL_OWNERS }).notNull(),
    kind: text("kind").notNull(),
    value: text("value").notNull(),
    keyId: text("key_id"),
    obtainedAt: timestamp("obtained_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.kind] })],
);

/**
 * Mail waiting to be sent, written in the same transaction as what caused it and sent by the background worker
 * (lib/mail/outbox.ts) under a lease, with retries and backoff: an SMTP outage delays a mail, never loses or
 * repeats one. `dedupe_key` makes enqueueing idempotent (one mail per alert episode, per reminder…). The bodies
 * are rendered when enqueued and never hold a token or secret.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    dedupeKey: text("dedupe_key").notNull().unique(),
    recipientId: text("recipient_id").references(() => users.id, { onDelete: "cascade" }),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    /** The List-Unsubscribe URL (RFC 2369, one-click per RFC 8058), or null for mail one cannot unsubscribe from. */
    unsubscribeUrl: text("unsubscribe_url"),
    createdAt: createdAt(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }).notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: timestamp("lease_until", { withTimezone: true, mode: "date" }),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }),
    /** Set when the SMTP server refused the mail for good (a 5xx answer); never retried after. */
    failedAt: timestamp("failed_at", { withTimezone: true, mode: "date" }),
    lastError: text("last_error"),
  },
  (t) => [
    index("mail_outbox_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.sentAt} IS NULL AND ${t.failedAt} IS NULL`),
  ],
);

/**
 * Episodes in which a connection needs its athlete (lib/alerts): opened when it first does (one mail), closed when
 * it works again. At most one open episode per athlete and service.
 */
export const connectionAlerts = pgTable(
  "connection_alerts",
  {
    id: text("id").primaryKey(),
    athleteId: text("athlete_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    service: text("service", { enum: SERVICE_IDS }).notNull(),
    kind: text("kind", { enum: ALERT_KINDS }).notNull(),
    openedAt: timestamp("opened_at", { withTimezone: true, mode: "date" }).notNull(),
    closedAt: timestamp("closed_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("connection_alerts_open_uq")
      .on(t.athleteId, t.service)
      .where(sql`${t.closedAt} IS NULL`),
    index("connection_alerts_athlete_idx").on(t.athleteId, t.openedAt),
  ],
);

/** A coach's or admin's "Please reconnect <service>" to an athlete, tracked sent → opened → reconnected → verified. */
export const reconnectRequests = pgTable(
  "reconnect_requests",
  {
    id: text("id").primaryKey(),
    athleteId: text("athlete_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    service: text("service", { enum: SERVICE_IDS }).notNull(),
    requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: RECONNECT_REQUEST_STATUSES }).notNull().default("sent"),
    createdAt: createdAt(),
    openedAt: timestamp("opened_at", { withTimezone: true, mode: "date" }),
    reconnectedAt: timestamp("reconnected_at", { withTimezone: true, mode: "date" }),
    remindedAt: timestamp("reminded_at", { withTimezone: true, mode: "date" }),
    /** When it closed: verified (the first successful refresh or verification after the reconnect) or cancelled. */
    closedAt: timestamp("closed_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("reconnect_requests_open_uq")
      .on(t.athleteId, t.service)
      .where(sql`${t.closedAt} IS NULL`),
    index("reconnect_requests_athlete_idx").on(t.athleteId, t.createdAt),
  ],
);

/**
 * Requests to the administrators to link ExorLive for an athlete (issue 18 point 6): ExorLive links server to
 * server, so only an admin may link it; the athlete, or a coach for an athlete on their roster, sends the
 * athlete's ExorLive user ID (`exorlive_user_id`, as typed, digits only) and an optional note. At most one open
 * request per athlete (partial unique index). `decided_by`/`decided_at` say who approved, declined or cancelled
 * it and when; `decline_reason` is what the admin wrote when declining (shown to the athlete).
 */
export const exorliveLinkRequests = pgTable(
  "exorlive_link_requests",
  {
    id: text("id").primaryKey(),
    athleteId: text("athlete_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The athlete themself or their coach; null once that user is deleted. */
    requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
    exorliveUserId: text("exorlive_user_id").notNull(),
    note: text("note"),
    status: text("status", { enum: EXORLIVE_LINK_REQUEST_STATUSES }).notNull().default("open"),
    createdAt: createdAt(),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true, mode: "date" }),
    declineReason: text("decline_reason"),
  },
  (t) => [
    uniqueIndex("exorlive_link_requests_open_uq")
      .on(t.athleteId)
      .where(sql`${t.status} = 'open'`),
    index("exorlive_link_requests_status_idx").on(t.status, t.createdAt),
    index("exorlive_link_requests_athlete_idx").on(t.athleteId, t.createdAt),
  ],
);

/** Email preferences: a row per person and kind they changed; without a row the kind's default holds (lib/mail/preferences.ts). */
export const emailPreferences = pgTable(
  "email_preferences",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: EMAIL_KINDS }).notNull(),
    enabled: boolean("enabled").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/** The last digest mailed to each coach: what it listed (a fingerprint), so an unchanged list is not sent again. */
export const coachDigests = pgTable("coach_digests", {
  coachId: text("coach_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  fingerprint: text("fingerprint").notNull(),
  sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }).notNull(),
});

/** When each periodic job (the coach digest, …) last ran, claimed with one conditional UPDATE so one instance runs it. */
export const jobRuns = pgTable("job_runs", {
  name: text("name").primaryKey(),
  lastRunAt: timestamp("last_run_at", { withTimezone: true, mode: "date" }).notNull(),
});

/**
 * Integrators' API keys (lib/api-keys): only the SHA-256 of a key is stored, with its first characters (`prefix`)
 * so people can tell keys apart. `scopes` is space-separated (API_KEY_SCOPES). Revoked or expired keys stay for the
 * audit log.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    scopes: text("scopes").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
    /** The caller's address on the last use (X-Forwarded-For's first entry behind a proxy). */
    lastUsedIp: text("last_used_ip"),
  },
  (t) => [index("api_keys_created_idx").on(t.createdAt)],
);

/**
 * Integrators' webhook endpoints (lib/webhooks): where lifecycle events are POSTed, signed per Standard Webhooks
 * with `secret` (sealed like tokens: `whsec_…` is needed in clear to sign). `events` is space-separated
 * (WEBHOOK_EVENT_TYPES). `failing_since` is the first failed delivery of the current run of failures; an endpoint
 * failing for days is disabled (`disabled_at`, `disabled_reason`).
 */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description"),
  events: text("events").notNull(),
  secret: text("secret").notNull(),
  keyId: text("key_id"),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  failingSince: timestamp("failing_since", { withTimezone: true, mode: "date" }),
  disabledAt: timestamp("disabled_at", { withTimezone: true, mode: "date" }),
  disabledReason: text("disabled_reason"),
});

/**
 * The webhook outbox and delivery log: one row per event per subscribed endpoint, written in the transaction of
 * the event and delivered by the background worker under a lease (like mail_outbox). `message_id` is the
 * Standard Webhooks `webhook-id` (the same on every retry and redelivery, so receivers can deduplicate);
 * `payload` is the exact JSON that is signed. Retried with backoff for 24 hours on timeouts, 5xx and 429.
 */
export const webhookOutbox = pgTable(
  "webhook_outbox",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    messageId: text("message_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: text("payload").notNull(),
    createdAt: createdAt(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }).notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: timestamp("lease_until", { withTimezone: true, mode: "date" }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "date" }),
    /** Given up: a 4xx other than 408/429, 24 hours of retries, or the endpoint disabled or deleted. */
    failedAt: timestamp("failed_at", { withTimezone: true, mode: "date" }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    /** How long the last attempt took, in milliseconds. */
    lastLatencyMs: integer("last_latency_ms"),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("webhook_outbox_endpoint_message_uq").on(t.endpointId, t.messageId),
    index("webhook_outbox_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.deliveredAt} IS NULL AND ${t.failedAt} IS NULL`),
    index("webhook_outbox_endpoint_idx").on(t.endpointId, t.createdAt),
  ],
);
