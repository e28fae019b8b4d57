import { z } from "zod";
import { SERVICE_IDS } from "@/db/schema";
import { linkFailureSentence } from "@/lib/messages/link-failures";
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
 * Messages are fixed text from the message catalogue (never reflected from the query string).
 */
export function linkFailureMessage(code: LinkFailureCode, service: string): string {
  return linkFailureSentence(code, service);
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
