import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";

/** True when mail is configured (SMTP_URL set); without it nothing is enqueued or sent and the admin Services page says so. */
export function mailEnabled(): boolean {
  return !!env.SMTP_URL;
}

const globalForMail = globalThis as unknown as { mailTransport?: { url: string; transport: Transporter } };

/** Connections kept open to the SMTP server; sends beyond this wait their turn in nodemailer's pool. */
export const SMTP_POOL_SIZE = 5;

/** Milliseconds allowed to connect, greet, and for each SMTP command; the outbox lease (MAIL_LEASE_MS) outlasts all three. */
export const SMTP_TIMEOUT_MS = 10_000;

/**
 * The process's pooled nodemailer transport to SMTP_URL (created on first use, recreated when the URL changes).
 * Throws Error when mail is not configured.
 */
export function mailTransport(): Transporter {
  const url = env.SMTP_URL;
  if (!url) throw new Error("SMTP_URL is not set: mail is off");
  const cached = globalForMail.mailTransport;
  if (cached?.url === url) return cached.transport;
  cached?.transport.close();
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: SMTP_POOL_SIZE,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  } as nodemailer.TransportOptions);
  globalForMail.mailTransport = { url, transport };
  return transport;
}

/** Closes the pooled transport (tests, shutdown). */
export function closeMailTransport(): void {
  globalForMail.mailTransport?.transport.close();
  globalForMail.mailTransport = undefined;
}
