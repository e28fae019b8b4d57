import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { count, isNotNull, isNull } from "drizzle-orm";
import { db } from "@/db";
import { mailOutbox } from "@/db/schema";
import { enqueueMail, SCRUBBED_BODY, sendDueMail } from "@/lib/mail/outbox";
import { renderMail } from "@/lib/mail/render";
import { closeMailTransport } from "@/lib/mail/transport";
import { caughtMail, startMailCatcher, type MailCatcher } from "@/scripts/mail-catcher";
import { freePort } from "@/scripts/postgres";
import { openMigratedDb } from "@/tests/helpers/db";

// Issue 15: every mail goes through the outbox and a real SMTP server (maildev, a child process); stopping that
// server in the middle of a run delays mail but loses none and sends none twice.

let catcher: MailCatcher;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  await openMigratedDb();
  catcher = await startMailCatcher({ smtpPort: await freePort(), webPort: await freePort(), dir: mkdtempSync(join(tmpdir(), "trainlink-mail-")) });
  process.env.SMTP_URL = catcher.smtpUrl;
});
after(async () => {
  closeMailTransport();
  await catcher.stop();
});

const sentCount = async () => (await db.select({ n: count() }).from(mailOutbox).where(isNotNull(mailOutbox.sentAt)))[0]!.n;

describe("mail outbox", () => {
  it("enqueues a dedupe key once", async () => {
    const mail = {
      dedupeKey: "test:once",
      recipientId: null,
      to: "once@example.com",
      subject: "Once",
      ...renderMail({ greeting: "Hi,", paragraphs: ["x"], footer: "f" }),
    };
    assert.equal(await enqueueMail(mail), true);
    assert.equal(await enqueueMail(mail), false);
    await sendDueMail();
    const caught = (await caughtMail(catcher.inboxUrl)).filter((m) => m.subject === "Once");
    assert.equal(caught.length, 1);
    assert.match(caught[0]!.text ?? "", /Hi,/);
    assert.match(caught[0]!.html ?? "", /<p[^>]*>Hi,<\/p>/);
  });

  it("a sent password-reset mail keeps no link in the outbox; other mail keeps its body", async () => {
    const link = "http://localhost:3000/reset-password/secret-token-for-scrub-test";
    const body = renderMail({ greeting: "Hi,", paragraphs: ["Reset"], action: { label: "Choose a new password", url: link }, footer: "f" });
    await enqueueMail({ dedupeKey: "password-reset:scrub-test", recipientId: null, to: "scrub@example.com", subject: "Scrub", ...body });
    await sendDueMail();
    const caught = (await caughtMail(catcher.inboxUrl)).filter((m) => m.subject === "Scrub");
    assert.equal(caught.length, 1);
    assert.ok((caught[0]!.text ?? "").includes(link), "the mail itself carries the link");
    const rows = await db.select().from(mailOutbox);
    const scrubbed = rows.find((r) => r.dedupeKey === "password-reset:scrub-test")!;
    assert.ok(scrubbed.sentAt);
    assert.equal(scrubbed.textBody, SCRUBBED_BODY);
    assert.equal(scrubbed.htmlBody, SCRUBBED_BODY);
    assert.ok(!JSON.stringify(rows).includes("secret-token-for-scrub-test"));
    assert.match(rows.find((r) => r.dedupeKey === "test:once")!.textBody, /Hi,/);
  });

  it("an SMTP server stopped and restarted mid-run loses no mail and sends none twice", async () => {
    const total = 400;
    for (let i = 0; i < total; i += 1) {
      const body = renderMail({ greeting: `Hi ${i},`, paragraphs: ["Outage test"], footer: "f" });
      await enqueueMail({ dedupeKey: `outage:${i}`, recipientId: null, to: `athlete${i}@example.com`, subject: `Outage ${i}`, ...body });
    }
    const before = await sentCount();
    let stop = false;
    const sender = (async () => {
      while (!stop) {
        await sendDueMail(25);
        await sleep(20);
      }
    })();
    while ((await sentCount()) - before < total / 4) await sleep(10);
    await catcher.stop();
    const sentWhileDown = await sentCount();
    await sleep(1_500);
    assert.equal(await sentCount(), sentWhileDown, "nothing is marked sent while the server is down");
    await catcher.start();
    const deadline = Date.now() + 90_000;
    while ((await db.select({ n: count() }).from(mailOutbox).where(isNull(mailOutbox.sentAt)))[0]!.n > 0) {
      assert.ok(Date.now() < deadline, "every mail is sent after the server is back");
      await sleep(100);
    }
    stop = true;
    await sender;
    const caught = (await caughtMail(catcher.inboxUrl)).filter((m) => m.subject.startsWith("Outage "));
    const subjects = new Set(caught.map((m) => m.subject));
    const ids = new Set(caught.map((m) => m.messageId));
    assert.equal(subjects.size, total, "no mail lost");
    assert.equal(caught.length, total, "no mail sent twice");
    assert.equal(ids.size, total);
    const retried = await db.select({ n: count() }).from(mailOutbox).where(isNotNull(mailOutbox.lastError));
    assert.equal(retried[0]!.n, 0, "a mail sent after a failure no longer carries its error");
  });
});

describe("mail retention", () => {
  it("prunes mail sent more than 30 days ago and keeps the rest", async () => {
    const { pruneSentMail } = await import("@/lib/mail/outbox");
    const before = (await db.select({ n: count() }).from(mailOutbox))[0]!.n;
    assert.ok(before > 0);
    assert.equal(await pruneSentMail(Date.now()), 0, "nothing is old yet");
    assert.equal(await pruneSentMail(Date.now() + 31 * 86_400_000), before, "a month later every sent mail goes");
  });
});
