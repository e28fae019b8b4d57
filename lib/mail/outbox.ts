import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, isNull, lt, lte, or } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { mailOutbox, type OutboxMail } from "@/db/schema";
import { env } from "@/lib/env";
import { mailEnabled, mailTransport, SMTP_TIMEOUT_MS } from "@/lib/mail/transport";

/**
 * The mail outbox (DESIGN.md "Outbox and worker"): a mail is a row written in the same transaction as what
 * caused it, then sent by the background worker under a lease, like a refresh: claimed with one statement
 * (FOR UPDATE SKIP LOCKED on PostgreSQL), sent, and marked sent only by the lease's owner. An SMTP outage makes
 * sends fail and retry with backoff (delayed, never lost); the lease outlasts every SMTP timeout, so no other
 * worker takes a mail while its send may still succeed (never sent twice).
 */

/** One mail to enqueue. `dedupeKey` is unique: enqueueing the same key again does nothing. */
export interface MailInput {
  dedupeKey: string;
  recipientId: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The List-Unsubscribe URL for this kind of mail, or null. */
  unsubscribeUrl?: string | null;
}

/**
 * Writes `mail` to the outbox in `tx` (the caller's transaction, so the mail exists exactly when what caused it
 * does), or on its own. Resolves to true when a row was written; false when mail is off (no SMTP_URL) or a mail
 * with the same dedupeKey was already enqueued.
 */
export async function enqueueMail(mail: MailInput, tx: Executor = db): Promise<boolean> {
  if (!mailEnabled()) return false;
  const rows = await tx
    .insert(mailOutbox)
    .values({
      id: randomUUID(),
      dedupeKey: mail.dedupeKey,
      recipientId: mail.recipientId,
      toAddress: mail.to,
      subject: mail.subject,
      textBody: mail.text,
      htmlBody: mail.html,
      unsubscribeUrl: mail.unsubscribeUrl ?? null,
      nextAttemptAt: new Date(),
    })
    .onConflictDoNothing({ target: mailOutbox.dedupeKey })
    .returning({ id: mailOutbox.id });
  if (rows.length > 0) wakeMailWorker();
  return rows.length > 0;
}

/**
 * Dedupe-key prefixes of mail whose body carries a secret link (a password reset: lib/auth/password-reset.ts).
 * Once such a mail is sent, its stored bodies are replaced by SCRUBBED_BODY, so the link lives in the database only
 * while it waits to be sent.
 */
export const SECRET_MAIL_PREFIXES = ["password-reset:"] as const;
/** What a sent secret mail's text and HTML bodies are replaced with. */
export const SCRUBBED_BODY = "[removed after sending: this mail held a single-use link]";
const holdsSecret = (dedupeKey: string) => SECRET_MAIL_PREFIXES.some((prefix) => dedupeKey.startsWith(prefix));

/** How long a claimed mail stays with its worker, in milliseconds: longer than the three SMTP timeouts of one send. */
export const MAIL_LEASE_MS = SMTP_TIMEOUT_MS * 3 + 30_000;

/** Backoff after the `attempts`-th failed send, in milliseconds: 5 s doubling, at most 15 minutes, ±20 % jitter. */
export function mailBackoffMs(attempts: number): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Attempts after which a mail the server keeps refusing for good (5xx) is given up; transient failures retry without end. */
export const MAX_PERMANENT_FAILURES = 3;

/**
 * Claims for `owner` up to `limit` mails due at `nowMs` (milliseconds since the epoch), oldest first, whose lease
 * is free; one statement (`UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING *`), so
 * instances claiming at once take disjoint sets.
 */
export async function claimDueMail(owner: string, limit: number, nowMs = Date.now()): Promise<OutboxMail[]> {
  const now = new Date(nowMs);
  const leaseFree = or(isNull(mailOutbox.leaseUntil), lt(mailOutbox.leaseUntil, now));
  const candidates = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt), lte(mailOutbox.nextAttemptAt, now), leaseFree))
    .orderBy(asc(mailOutbox.nextAttemptAt))
    .limit(limit);
  const chosen = db.engine === "postgres" ? candidates.for("update", { skipLocked: true }) : candidates;
  return db
    .update(mailOutbox)
    .set({ leaseOwner: owner, leaseUntil: new Date(nowMs + MAIL_LEASE_MS) })
    .where(and(inArray(mailOutbox.id, chosen), leaseFree))
    .returning();
}

/** An SMTP answer that will not change on retry (5xx, RFC 5321 §4.2.1); anything else (4xx, network, timeout) is transient. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

/** The error in words for last_error: the SMTP answer or the network error's code; never a credential (SMTP_URL is not included). */
function describe(error: unknown): string {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  if (e.responseCode) return `SMTP ${e.responseCode}: ${(e.response ?? "").slice(0, 200)}`;
  return e.code ? `${e.code}` : "send failed";
}

/** Sends one claimed mail through the pooled transport; its Message-ID is derived from the row id, so a catcher can tell duplicates. */
async function send(mail: OutboxMail): Promise<void> {
  const from = env.MAIL_FROM;
  await mailTransport().sendMail({
    from,
    to: mail.toAddress,
    subject: mail.subject,
    text: mail.textBody,
    html: mail.htmlBody,
    messageId: `<${mail.id}@${new URL(env.NEXTAUTH_URL).hostname}>`,
    ...(mail.unsubscribeUrl
      ? {
          list: { unsubscribe: { url: mail.unsubscribeUrl, comment: "Unsubscribe" } },
          headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
        }
      : {}),
  });
}

/** What one pass of the mail sender did. */
export interface MailPass {
  sent: number;
  failed: number;
  /** A mail whose sent mark found the lease gone (its holder was presumed dead): possibly sent twice. */
  leaseLost: number;
}

/**
 * Sends every due mail (batches of `batch`, default 50, all of a batch in flight at once over the pool) until none
 * is due; each one marked sent, or its failure recorded with the next attempt after mailBackoffMs (a 5xx answer
 * MAX_PERMANENT_FAILURES times gives it up: failed_at). Does nothing when mail is off.
 */
export async function sendDueMail(batch = 50): Promise<MailPass> {
  const pass: MailPass = { sent: 0, failed: 0, leaseLost: 0 };
  if (!mailEnabled()) return pass;
  const owner = `mail:${randomUUID()}`;
  for (;;) {
    const claimed = await claimDueMail(owner, batch);
    const sentBefore = pass.sent;
    await Promise.all(
      claimed.map(async (mail) => {
        try {
          await send(mail);
        } catch (error) {
          pass.failed += 1;
          const attempts = mail.attempts + 1;
          const giveUp = isPermanent(error) && attempts >= MAX_PERMANENT_FAILURES;
          await db
            .update(mailOutbox)
            .set({
              attempts,
              lastError: describe(error),
              nextAttemptAt: new Date(Date.now() + mailBackoffMs(attempts)),
              failedAt: giveUp ? new Date() : null,
              leaseOwner: null,
              leaseUntil: null,
            })
            .where(and(eq(mailOutbox.id, mail.id), eq(mailOutbox.leaseOwner, owner)));
          return;
        }
        const marked = await db
          .update(mailOutbox)
          .set({
            sentAt: new Date(),
            attempts: mail.attempts + 1,
            lastError: null,
            leaseOwner: null,
            leaseUntil: null,
            ...(holdsSecret(mail.dedupeKey) ? { textBody: SCRUBBED_BODY, htmlBody: SCRUBBED_BODY } : {}),
          })
          .where(and(eq(mailOutbox.id, mail.id), eq(mailOutbox.leaseOwner, owner)))
          .returning({ id: mailOutbox.id });
        if (marked.length === 1) pass.sent += 1;
        else pass.leaseLost += 1;
      }),
    );
    // A batch where everything failed means the server is down: wait for the next tick instead of spinning.
    if (claimed.length < batch || pass.sent === sentBefore) return pass;
  }
}

const globalForWorker = globalThis as unknown as { mailWake?: () => void };

/** Asks the running mail worker (if any in this process) to send now instead of at its next tick. */
export function wakeMailWorker(): void {
  globalForWorker.mailWake?.();
}

/** Registers the function wakeMailWorker calls (the worker's loop, lib/mail/worker.ts). */
export function onMailWake(wake: (() => void) | undefined): void {
  globalForWorker.mailWake = wake;
}

/** Days a sent (or given-up) mail stays in the outbox; what caused it stays in connection_events. */
export const MAIL_RETENTION_DAYS = 30;

/**
 * Deletes mails sent or given up more than MAIL_RETENTION_DAYS before `nowMs` (milliseconds since the epoch), in
 * batches of 1,000 so no statement holds the database for long. Resolves to the number deleted.
 */
export async function pruneSentMail(nowMs = Date.now()): Promise<number> {
  const cutoff = new Date(nowMs - MAIL_RETENTION_DAYS * 86_400_000);
  let deleted = 0;
  for (;;) {
    const batch = db
      .select({ id: mailOutbox.id })
      .from(mailOutbox)
      .where(or(lt(mailOutbox.sentAt, cutoff), lt(mailOutbox.failedAt, cutoff)))
      .limit(1_000);
    const gone = await db.delete(mailOutbox).where(inArray(mailOutbox.id, batch)).returning({ id: mailOutbox.id });
    deleted += gone.length;
    if (gone.length < 1_000) return deleted;
  }
}
