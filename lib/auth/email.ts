import { z } from "zod";

/**
 * The email address a person types to sign up or to ask for a password reset: trimmed, lower-cased (accounts are
 * looked up lower-case), at most 254 characters (RFC 5321's path limit), with an error that says what to type.
 */
export const accountEmail = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address.")
  .max(254, "Your email address can be at most 254 characters.")
  .pipe(z.email("Enter a valid email address, like name@example.com."));
