import type { ConnectionStatus } from "@/lib/connections/status";
import type { FlowKind, RevocationKind } from "@/lib/integrations/types";

/**
 * The words athletes and coaches read about their connections, in one place: what a status means, why a refresh
 * did not work, what Disconnect does at each service, what Refresh does. Plain sentences only: no HTTP statuses,
 * OAuth error codes, grant types or ISO timestamps (those stay in the admin's audit log and connection history).
 * Pure functions of fixed text and display names: safe in server and client components.
 */

/** Who reads a sentence: the athlete ("you") or a coach ("the athlete"). */
export type Audience = "athlete" | "coach";

/** How a status sentence looks: `warning` (amber) or `error` (red). */
export type Tone = "warning" | "error" | "info";

/** What a card says about its status: one sentence and its tone; null for statuses that need no words. */
export interface StatusMessage {
  text: string;
  tone: Tone;
}

/**
 * The one sentence a card shows for `status` of service `name` (its display name), for `audience`. `flow`
 * decides who can link again (an administrator links server-to-server services). Null for `connected`,
 * `not_connected` and `not_configured`, which say enough with their badge.
 */
export function statusMessage(
  status: ConnectionStatus,
  name: string,
  audience: Audience,
  flow: FlowKind = "authorization_code",
): StatusMessage | null {
  const athlete = audience === "athlete";
  const byAdmin = flow === "server_to_server";
  const relink = byAdmin
    ? athlete
      ? `Ask an administrator to link ${name} again.`
      : `An administrator needs to link ${name} again.`
    : athlete
      ? "Reconnect to fix it."
      : "The athlete needs to reconnect it.";
  switch (status) {
    case "expiring":
      return { tone: "info", text: `TrainLink is renewing its access to ${name} right now. Nothing to do.` };
    case "refresh_failing":
      return { tone: "warning", text: `${name} is not answering right now. TrainLink will try again automatically.` };
    case "missing_permissions":
      return {
        tone: "warning",
        text: athlete
          ? `${name} did not give TrainLink every permission it needs (listed under Missing permissions). ${
              byAdmin ? `Ask an administrator to link ${name} again.` : "Grant missing permissions to give them now."
            }`
          : `The athlete did not give TrainLink every permission it needs at ${name}. ${
              byAdmin ? `An administrator needs to link ${name} again.` : "They can give the missing ones on their connections page."
            }`,
      };
    case "needs_reauth":
      return { tone: "error", text: `${name} stopped accepting TrainLink. ${relink}` };
    case "revocation_pending":
      return {
        tone: "warning",
        text: `${name} is being disconnected, but ${name} is not answering right now. TrainLink keeps asking it to end the access, automatically.`,
      };
    case "revoked_by_service":
      return {
        tone: "error",
        text: `Access was cancelled at ${name}. ${athlete ? (byAdmin ? `Ask an administrator to link ${name} again.` : "Connect again to restore it.") : "The athlete needs to connect again."}`,
      };
    default:
      return null;
  }
}

/** Statuses whose card must not show when access expires: the access is gone or being ended, a reconnect is what matters. */
const NO_EXPIRY: ReadonlySet<ConnectionStatus> = new Set([
  "needs_reauth",
  "revocation_pending",
  "revoked_by_service",
  "not_connected",
  "not_configured",
]);

/** True when a card for `status` may say when TrainLink's access expires. */
export function showsExpiry(status: ConnectionStatus): boolean {
  return !NO_EXPIRY.has(status);
}

/** Why a Refresh the athlete asked for did not work: the service refused the grant, was unreachable, refused TrainLink itself, or another refresh was running. */
export type RefreshFailureKind = "reauth" | "transient" | "credentials" | "busy";

/**
 * The sentence under Refresh when it did not work. For `reauth` and `transient` the card's own status sentence
 * explains what happened and what next, so this one only says that the refresh did not work (one explanation per card).
 */
export function refreshFailureMessage(kind: RefreshFailureKind, name: string): string {
  switch (kind) {
    case "reauth":
    case "transient":
      return `Refreshing ${name} did not work.`;
    case "credentials":
      return `${name} is not accepting TrainLink itself right now. Your connection is kept: an administrator has to fix TrainLink's ${name} settings, and it then works again by itself.`;
    case "busy":
      return `TrainLink is already refreshing ${name}. Try again in a moment.`;
  }
}

/** What the Refresh button does, for its description (aria-describedby). */
export function refreshDescription(name: string): string {
  return `Refresh gets a fresh access token from ${name} now. TrainLink also does this automatically before the old one runs out.`;
}

/** The facts of a service that decide what its Disconnect can promise. */
export interface DisconnectFacts {
  name: string;
  flow: FlowKind;
  revocation: RevocationKind;
  /** Where the athlete removes TrainLink at the service, when TrainLink cannot (ServiceDefinition.disconnectNote). */
  disconnectNote?: string;
}

/**
 * The Disconnect dialog's text for a service, promising only what it can do: a service with a revocation endpoint
 * is asked to end the access; one without keeps its authorization until the athlete removes it there; a service an
 * administrator links is linked again by an administrator, not by the athlete.
 */
export function disconnectDialogText(facts: DisconnectFacts): string {
  const { name } = facts;
  const ending =
    facts.revocation === "none"
      ? `TrainLink forgets its access to ${name} and never uses it again, but ${name} offers no way to end the access from here: ${name} keeps your authorization until you remove it there.${
          facts.disconnectNote ? ` ${facts.disconnectNote}` : ""
        }`
      : `TrainLink asks ${name} to end its access, then deletes what it stored. If ${name} is not answering, TrainLink keeps asking until it confirms.`;
  const again =
    facts.flow === "server_to_server" ? `To link ${name} again, ask an administrator to link it again.` : "You can connect again at any time.";
  return `${ending} Your coach will see ${name} as not connected. ${again}`;
}

/** The reason an administrator gave for revoking, as the card shows it after "Revoked by an administrator on <date>". */
export const ADMIN_REVOKED_PREFIX = "Revoked by an administrator on";

/** The tooltip of a roster cell: when the connection was last refreshed and verified, as `format` writes a time (milliseconds since the epoch). */
export function rosterCellSummary(refreshedAt: number | null, verifiedAt: number | null, format: (ms: number) => string): string {
  const refreshed = refreshedAt === null ? "Never refreshed" : `Last refreshed ${format(refreshedAt)}`;
  const verified = verifiedAt === null ? "Never verified" : `Last verified ${format(verifiedAt)}`;
  return `${refreshed} · ${verified}`;
}
