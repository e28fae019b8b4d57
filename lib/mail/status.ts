import "server-only";
import { and, count, gte, isNotNull, isNull, max } from "drizzle-orm";
import { db } from "@/db";
import { mailOutbox } from "@/db/schema";
import { env } from "@/lib/env";

/** The outbox as an administrator sees it: where mail goes and how much waits, failed, or went out in the last day. */
export interface MailStatus {
  /** False when SMTP_URL is not set: no mail is written or sent. */
  enabled: boolean;
  /** The SMTP server's host and port (never its user name or password). */
  server: string | null;
  from: string;
  waiting: number;
  /** Waiting mails that failed at least once (an SMTP outage shows here), and the latest error in words. */
  retrying: number;
  lastError: string | null;
  /** Given up: the SMTP server refused them for good (5xx). */
  failed: number;
  sentLastDay: number;
  lastSentAt: Date | null;
}

/** Reads the mail status (four aggregate queries over the outbox's due index and its sent times). */
export async function mailStatus(nowMs = Date.now()): Promise<MailStatus> {
  const url = env.SMTP_URL ? new URL(env.SMTP_URL) : null;
  const unsent = and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt));
  const [waiting] = await db.select({ n: count() }).from(mailOutbox).where(unsent);
  const [retrying] = await db
    .select({ n: count(), lastError: max(mailOutbox.lastError) })
    .from(mailOutbox)
    .where(and(unsent, isNotNull(mailOutbox.lastError)));
  const [failed] = await db.select({ n: count() }).from(mailOutbox).where(isNotNull(mailOutbox.failedAt));
  const [sent] = await db
    .select({ n: count(), last: max(mailOutbox.sentAt) })
    .from(mailOutbox)
    .where(gte(mailOutbox.sentAt, new Date(nowMs - 86_400_000)));
  return {
    enabled: url !== null,
    server: url ? `${url.protocol}//${url.host}` : null,
    from: env.MAIL_FROM,
    waiting: waiting?.n ?? 0,
    retrying: retrying?.n ?? 0,
    lastError: retrying?.lastError ?? null,
    failed: failed?.n ?? 0,
    sentLastDay: sent?.n ?? 0,
    lastSentAt: sent?.last ? new Date(sent.last) : null,
  };
}
