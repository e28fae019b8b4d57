import type { LinkFailureCode } from "@/lib/linking/failures";

/**
 * The banner sentence after linking `service` (its display name) failed with `code`: what happened and what to do
 * next, in plain words (no protocol terms: the admin's audit log keeps those).
 */
export function linkFailureSentence(code: LinkFailureCode, service: string): string {
  switch (code) {
    case "access_denied":
      return `You chose Deny at ${service}, so nothing was connected. Click Connect to try again.`;
    case "service_error":
      return `${service} reported a problem and did not let TrainLink in. Nothing was connected; please try again.`;
    case "state_invalid":
      return `This ${service} approval could not be verified: it was already used, expired, or started in another window or account. Nothing was connected; click Connect to start again.`;
    case "missing_code":
      return `${service} sent you back without your approval. Nothing was connected; click Connect to try again.`;
    case "exchange_failed":
      return `${service} could not be reached to finish linking. Nothing was stored; please try again in a few minutes.`;
    case "code_rejected":
      return `${service} did not accept the approval (it is only valid for a short time). Nothing was connected; click Connect to try again.`;
    case "client_rejected":
      return `${service} is not accepting TrainLink itself right now. Nothing was connected; an administrator needs to check TrainLink's ${service} settings.`;
    case "bad_response":
      return `${service} answered with something TrainLink could not read. Nothing was stored; please try again later.`;
    case "token_unverified":
      return `${service} did not confirm this connection, or it belongs to another ${service} account. Nothing was connected; click Connect to try again.`;
    case "account_in_use":
      return `That ${service} account is already connected to another TrainLink user. Sign in to ${service} with your own account and try again.`;
    case "no_scope_granted":
      return `No permissions were given to TrainLink at ${service}, so nothing was connected. Click Connect and approve at least one.`;
    case "revocation_pending":
      return `Your earlier Disconnect from ${service} is not finished: ${service} is not answering, and TrainLink keeps asking it to end the access. Nothing new was connected; click Connect again in a few minutes.`;
    case "not_configured":
      return `${service} is not set up on this server yet. An administrator needs to add it.`;
    case "link_failed":
      return `Linking ${service} failed. Nothing was connected; please try again.`;
  }
}
