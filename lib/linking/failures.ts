import { z } from "zod";
import { SERVICE_IDS } from "@/db/schema";
/** Why linking failed, as carried in `/connections?error=<code>&service=<id>`. */
export const LINK_FAILURE_CODES = [
  "access_denied",
  "service_error",
  "state_invalid",
  "missing_code",
  "exchange_failed",
  "code_rejected",
  "client_rejected",
  "bad_response",
  "token_unverified",
  "account_in_use",
  "no_scope_granted",
  "revocation_pending",
  "not_configured",
  "link_failed",
] as const;
export type LinkFailureCode = (typeof LINK_FAILURE_CODES)[number];

/**
 * The sentence shown for a link failure: what happened and what to do next. `service` is the display name.
 * Messages are fixed text (never reflected from the query string).
 */
export function linkFailureMessage(code: LinkFailureCode, service: string): string {
  switch (code) {
    case "access_denied":
      return `You chose Deny at ${service}, so nothing was connected. Click Connect to try again.`;
    case "service_error":
      return `${service} reported an error and did not authorize the connection. Nothing was connected; please try again.`;
    case "state_invalid":
      return `This ${service} authorization could not be verified: it was already used, expired, or started in another window or account. Nothing was connected; click Connect to start again.`;
    case "missing_code":
      return `${service} returned without an authorization code. Nothing was connected; click Connect to try again.`;
    case "exchange_failed":
      return `${service} could not be reached to finish linking. Nothing was stored; please try again in a few minutes.`;
    case "code_rejected":
      return `${service} did not accept the authorization (it is only valid for a short time). Nothing was connected; click Connect to try again.`;
    case "client_rejected":
      return `${service} refused this app's client credentials. Nothing was connected; an administrator needs to check the ${service} configuration.`;
    case "bad_response":
      return `${service} answered with something we could not read. Nothing was stored; please try again later.`;
    case "token_unverified":
      return `${service} did not confirm this connection: the token it returned was not accepted, or belongs to another ${service} account. Nothing was connected; click Connect to try again.`;
    case "account_in_use":
      return `That ${service} account is already connected to another TrainLink user. Sign in to ${service} with your own account and try again.`;
    case "no_scope_granted":
      return `No permissions were granted to TrainLink at ${service}, so nothing was connected. Click Connect and approve at least one.`;
    case "revocation_pending":
      return `Your earlier Disconnect from ${service} is not finished: ${service} could not be reached to revoke TrainLink's access, and TrainLink keeps trying. Nothing new was connected; click Connect again in a few minutes.`;
    case "not_configured":
      return `${service} is not configured on this server. An administrator needs to add its client credentials.`;
    case "link_failed":
      return `Linking ${service} failed. Nothing was connected; please try again.`;
  }
}

/**
 * The query string a link ends with (`?linked=<service>` or `?error=<code>&service=<service>`, see
 * responses.ts), for parseQuery: unknown values read as absent.
 */
export const linkResultQuery = z.object({
  linked: z.enum(SERVICE_IDS).optional().catch(undefined),
  service: z.enum(SERVICE_IDS).optional().catch(undefined),
  error: z.enum(LINK_FAILURE_CODES).optional().catch(undefined),
});
