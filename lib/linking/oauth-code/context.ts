import type { CodeExchange } from "@/lib/integrations/types";
import type { LinkFailureCode } from "@/lib/linking/failures";

/**
 * Per-request state of one link callback, shared between our route wrapper and the next-auth provider
 * callbacks of that request. The exchanged tokens live here, never in next-auth's account object, so
 * next-auth's logger and callbacks never hold a token.
 */
export interface LinkContext {
  /** The signed-in athlete doing the linking. */
  userId: string;
  /** Where to send the browser after a successful link (already reduced to our own paths). */
  returnTo: string;
  exchange?: CodeExchange;
  failure?: { code: LinkFailureCode; detail?: string };
  linked?: boolean;
}
