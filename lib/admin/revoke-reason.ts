import { z } from "zod";

/** Longest reason an administrator may give for revoking a connection, in characters. */
export const REVOKE_REASON_MAX = 500;

/** The reason field of the admin's Revoke dialog: required, trimmed, at most REVOKE_REASON_MAX characters. */
export const revokeReasonSchema = z
  .string({ error: "Give a reason: the athlete sees it on their connections page." })
  .trim()
  .min(1, "Give a reason: the athlete sees it on their connections page.")
  .max(REVOKE_REASON_MAX, `Keep the reason to ${REVOKE_REASON_MAX} characters or fewer.`);

/** Separates the outcome of a revocation from the administrator's reason in a `connection_revoked` admin action's detail. */
const REASON_MARK = "; reason: ";

/**
 * The detail of a `connection_revoked` admin action: the outcome in words, then the administrator's `reason` when
 * one was given (stored with the action, no column of its own; the outcome never contains the mark).
 */
export function detailWithReason(outcome: string, reason?: string | null): string {
  return reason ? `${outcome}${REASON_MARK}${reason}` : outcome;
}

/** The administrator's reason stored by detailWithReason in `detail`, or null when it holds none. */
export function reasonFromDetail(detail: string | null): string | null {
  if (!detail) return null;
  const at = detail.indexOf(REASON_MARK);
  return at === -1 ? null : detail.slice(at + REASON_MARK.length) || null;
}
