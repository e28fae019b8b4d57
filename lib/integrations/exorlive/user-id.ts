import { z } from "zod";

/** How long an ExorLive user ID may be, in digits (ExorLive's ids are integers: `GetAccessToken(int userId)`). */
export const EXORLIVE_USER_ID_MAX_DIGITS = 18;

/**
 * The ExorLive user ID as a person types it: trimmed, digits only, 1 to 18 of them. The one rule the admin's link
 * form and the athletes' and coaches' link requests share (the client refuses anything else before calling ExorLive).
 */
export const exorliveUserIdSchema = z
  .string({ error: "Enter the ExorLive user ID." })
  .trim()
  .min(1, "Enter the ExorLive user ID.")
  .regex(/^\d{1,18}$/, "ExorLive user IDs are digits only (up to 18).");

/**
 * Where an athlete finds their ExorLive user ID. ExorLive's doc (docs/provider-docs/exorlive.txt) names it the
 * `user_id`: the numeric id of an ExorLive admin or contact, created by an ExorLive admin; it documents no page
 * that shows it to the user, so the sentence points to the people who can look it up.
 */
export const EXORLIVE_USER_ID_HELP =
  "A number, not your email or user name: the ID of your ExorLive user (your contact ID). The ExorLive administrator who created your ExorLive account, your clinic or ExorLive support can tell you what it is.";
