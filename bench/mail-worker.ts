/**
 * The mail half of `npm run bench`, in its own process (SMTP_URL must be set before lib/env is first read). Run
 * with `tsx --conditions=react-server` and the bench environment (bench/config.ts benchAppEnv) on a seeded bench
 * database, after the app server stopped. Starts a mail catcher (maildev, scripts/mail-catcher.ts) on free ports,
 * then measures, with the real modules:
 *   - the alert check at the seeded size: runAlertChecks until no episode is left to open (the first check after
 *     a deployment opens every episode at once, the heaviest case), in ms;
 *   - the coach digest: every coach's digest built and enqueued (buildCoachDigests + sendCoachDigest), in ms;
 *   - sending: `mails` (argument, default 2,000) more mails enqueued, then the whole outbox sent to the catcher
 *     (sendDueMail until empty), in mails per second, and the catcher's count of lost and duplicated mails.
 * The last line of stdout is the JSON result.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { caughtMail, startMailCatcher } from "../scripts/mail-catcher";
import { freePort } from "../scripts/postgres";

const extra = Number(process.argv[2] ?? 2_000);
const catcher = await startMailCatcher({
  smtpPort: await freePort(),
  webPort: await freePort(),
  dir: mkdtempSync(join(tmpdir(), "trainlink-bench-mail-")),
});
process.env.SMTP_URL = catcher.smtpUrl;

const { count, countDistinct, isNotNull, isNull } = await import("drizzle-orm");
const { db, closeDb } = await import("@/db");
const { coachAthletes, coachDigests, mailOutbox } = await import("@/db/schema");
const { runAlertChecks } = await import("@/lib/alerts/check");
const { buildCoachDigests, sendCoachDigest } = await import("@/lib/alerts/digest");
const { enqueueMail, sendDueMail } = await import("@/lib/mail/outbox");
const { renderMail } = await import("@/lib/mail/render");
const { closeMailTransport } = await import("@/lib/mail/transport");

try {
  let t = performance.now();
  let opened = 0;
  let checks = 0;
  for (;;) {
    const check = await runAlertChecks();
    checks += 1;
    opened += check.opened;
    if (check.opened === 0) break;
  }
  const alertsMs = Math.round(performance.now() - t);
  const steadyCheckMs = await (async () => {
    const start = performance.now();
    await runAlertChecks();
    return Math.round((performance.now() - start) * 10) / 10;
  })();

  await db.delete(coachDigests).where(isNotNull(coachDigests.coachId)); // every coach's digest is built afresh
  t = performance.now();
  const digests = await buildCoachDigests();
  let digestMails = 0;
  for (const digest of digests) if (await sendCoachDigest(digest, Date.now())) digestMails += 1;
  const digestMs = Math.round(performance.now() - t);
  const [roster] = await db
    .select({ coaches: countDistinct(coachAthletes.coachId), athletes: countDistinct(coachAthletes.athleteId) })
    .from(coachAthletes);

  for (let i = 0; i < extra; i += 1) {
    await enqueueMail({
      dedupeKey: `bench:${Date.now()}:${i}`,
      recipientId: null,
      to: `bench-${i}@example.com`,
      subject: `Bench ${i}`,
      ...renderMail({ greeting: "Hi,", paragraphs: ["A benchmark mail."], footer: "Bench." }),
    });
  }
  const [queued] = await db.select({ n: count() }).from(mailOutbox).where(isNull(mailOutbox.sentAt));
  t = performance.now();
  let sent = 0;
  for (;;) {
    const pass = await sendDueMail();
    sent += pass.sent;
    if (pass.sent + pass.failed === 0) break;
  }
  const sendMs = Math.round(performance.now() - t);
  const caught = await caughtMail(catcher.inboxUrl);
  const ids = new Set(caught.map((m) => m.messageId));
  const result = {
    alerts: { opened, checks, ms: alertsMs, steadyCheckMs },
    digest: { coaches: roster?.coaches ?? 0, athletes: roster?.athletes ?? 0, digests: digests.length, mails: digestMails, ms: digestMs },
    send: {
      queued: queued?.n ?? 0,
      sent,
      ms: sendMs,
      perSecond: Math.round((sent / Math.max(sendMs, 1)) * 1000),
      caught: caught.length,
      duplicates: caught.length - ids.size,
      lost: (queued?.n ?? 0) - ids.size,
    },
  };
  console.log(JSON.stringify(result));
} finally {
  closeMailTransport();
  await catcher.stop();
  await closeDb();
}
