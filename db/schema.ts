/**
 * The tables of the engine this process runs on (db/dialect.ts: DATABASE_URL `postgres://…` → db/schema.pg.ts,
 * else db/schema.sqlite.ts), with the shared value sets and row types. The app imports its tables from here
 * only, so one code path serves both engines.
 *
 * The tables are typed as the PostgreSQL ones whatever the engine: the two schemas give every column the same
 * TypeScript type (checked below and in db/schema-parity.test.ts), and the PostgreSQL query builder has no
 * synchronous `.get()`/`.all()`/`.run()`, so code written against these types runs on both (docs/database.md).
 */
import { activeDialect } from "./dialect";
import * as pg from "./schema.pg";
import * as sqlite from "./schema.sqlite";

export * from "./enums";

const active = (activeDialect() === "postgres" ? pg : sqlite) as unknown as typeof pg;

export const users = active.users;
export const coachAthletes = active.coachAthletes;
export const accounts = active.accounts;
export const connectionEvents = active.connectionEvents;
export const oauthFlows = active.oauthFlows;
export const invitations = active.invitations;
export const passwordResets = active.passwordResets;
export const adminActions = active.adminActions;
export const signInThrottle = active.signInThrottle;
export const webhookDeliveries = active.webhookDeliveries;
export const serviceSettings = active.serviceSettings;
export const revokedSessions = active.revokedSessions;
export const serviceHealth = active.serviceHealth;
export const appCredentials = active.appCredentials;
export const mailOutbox = active.mailOutbox;
export const connectionAlerts = active.connectionAlerts;
export const reconnectRequests = active.reconnectRequests;
export const exorliveLinkRequests = active.exorliveLinkRequests;
export const emailPreferences = active.emailPreferences;
export const coachDigests = active.coachDigests;
export const jobRuns = active.jobRuns;
export const apiKeys = active.apiKeys;
export const webhookEndpoints = active.webhookEndpoints;
export const webhookOutbox = active.webhookOutbox;

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Account = typeof accounts.$inferSelect;
export type ConnectionEvent = typeof connectionEvents.$inferSelect;
export type OAuthFlow = typeof oauthFlows.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type AdminAction = typeof adminActions.$inferSelect;
export type ServiceHealth = typeof serviceHealth.$inferSelect;
export type OutboxMail = typeof mailOutbox.$inferSelect;
export type ConnectionAlert = typeof connectionAlerts.$inferSelect;
export type ReconnectRequest = typeof reconnectRequests.$inferSelect;
export type ExorLiveLinkRequest = typeof exorliveLinkRequests.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookOutbox.$inferSelect;

// Compile-time proof that the SQLite rows have exactly the PostgreSQL rows' types (the cast above relies on it).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type RowsMatch = { [K in keyof typeof pg]: Same<(typeof pg)[K]["$inferSelect"], (typeof sqlite)[K]["$inferSelect"]> };
type InsertsMatch = { [K in keyof typeof pg]: Same<(typeof pg)[K]["$inferInsert"], (typeof sqlite)[K]["$inferInsert"]> };
const rowsMatch: { [K in keyof typeof pg]: true } = {} as RowsMatch;
const insertsMatch: { [K in keyof typeof pg]: true } = {} as InsertsMatch;
void rowsMatch;
void insertsMatch;
