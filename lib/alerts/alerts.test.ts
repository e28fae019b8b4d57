import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { and, eq, like } from "drizzle-orm";
import { db } from "@/db";
import { accounts, connectionAlerts, connectionEvents, mailOutbox, type ServiceId } from "@/db/schema";
import { bannerAlertsOf } from "@/lib/alerts/banner";
import { runAlertChecks } from "@/lib/alerts/check";
import { buildCoachDigests, runCoachDigests } from "@/lib/alerts/digest";
import { disconnected, linked, needsReauth } from "@/lib/connections/transitions";
import { setEmailPreference } from "@/lib/mail/preferences";
import { athleteOf, connect, makeUser, NOW, openRosterDb } from "@/tests/helpers/roster";

// Issue 15, athlete alerts and the coach digest: one mail per connection per episode, a quiet period before failing
// refreshes count, the banner while it lasts, a "working again" mail for those who want it, and a digest only when
// its list changed.

const MINUTE = 60_000;

before(async () => {
  process.env.SMTP_URL = "smtp://127.0.0.1:9"; // mail is on; nothing here sends it (the outbox is read instead)
  process.env.ALERT_FAILING_QUIET_MINUTES = "60";
  process.env.DIGEST_INTERVAL_SECONDS = "86400";
  await openRosterDb();
});

const row = async (userId: string, service: ServiceId) =>
  (
    await db
      .select()
      .from(accounts)
      .where(and(eq(accounts.userId, userId), eq(accounts.provider, service)))
  )[0]!;
const mailsTo = (email: string) => db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email));
const openAlerts = (athleteId: string) => db.select().from(connectionAlerts).where(eq(connectionAlerts.athleteId, athleteId));
const relink = (athleteId: string, service: ServiceId, grantedScope: string[] = ["athlete:read", "calendar:read", "workout:read"]) =>
  linked({
    athleteId,
    actorId: athleteId,
    service,
    tokens: {
      accessToken: "fresh-access",
      refreshToken: "fresh-refresh",
      expiresAt: Math.floor(NOW / 1000) + 3600,
      tokenType: "Bearer",
      grantedScope,
    },
    accountId: null,
    requestedScopes: [],
    environment: "custom",
  });

describe("athlete alerts", () => {
  it("a connection that needs reconnecting mails its athlete once, shows the banner, and closes on the fix", async () => {
    const coach = await makeUser("coach");
    const athlete = await athleteOf(coach, "Ana Alert", "ana.alert@example.com");
    await connect(athlete, "trainerday");
    await needsReauth(await row(athlete.id, "trainerday"), null, "invalid_grant", null);

    assert.deepEqual(
      (await bannerAlertsOf(athlete.id, NOW)).map((a) => [a.service, a.kind]),
      [["trainerday", "needs_reauth"]],
    );
    assert.equal((await runAlertChecks(NOW)).opened, 1);
    assert.equal((await runAlertChecks(NOW + MINUTE)).opened, 0, "no second mail while the episode lasts");
    const mails = await mailsTo("ana.alert@example.com");
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.subject, "TrainerDay stopped accepting TrainLink");
    assert.match(mails[0]!.textBody, /Reconnect TrainerDay: http:\/\/localhost:3000\/connections#service-trainerday/);
    assert.match(mails[0]!.unsubscribeUrl ?? "", /^http:\/\/localhost:3000\/api\/unsubscribe\?token=/);
    assert.doesNotMatch(mails[0]!.textBody + mails[0]!.htmlBody, /v1\.k\.|fresh-access|invalid_grant/, "no token and no protocol words");
    const sent = await db
      .select()
      .from(connectionEvents)
      .where(and(eq(connectionEvents.athleteId, athlete.id), eq(connectionEvents.kind, "alert_sent")));
    assert.equal(sent.length, 1);

    await relink(athlete.id, "trainerday");
    assert.deepEqual(await bannerAlertsOf(athlete.id, NOW), [], "the banner goes with the fix");
    assert.equal((await runAlertChecks(NOW + 2 * MINUTE)).closed, 1);
    const [alert] = await openAlerts(athlete.id);
    assert.ok(alert?.closedAt, "the episode is closed");
    assert.equal((await mailsTo("ana.alert@example.com")).length, 1, "no 'working again' mail unless asked for");

    await needsReauth(await row(athlete.id, "trainerday"), null, "invalid_grant", null);
    assert.equal((await runAlertChecks(NOW + 3 * MINUTE)).opened, 1, "a new episode mails again");
    assert.equal((await mailsTo("ana.alert@example.com")).length, 2);
  });

  it("failing refreshes count only after the quiet period", async () => {
    const athlete = await makeUser("athlete", "Fay Failing", "fay.failing@example.com");
    await connect(athlete, "enduco", { failureCount: 2, failingSince: new Date(NOW - 10 * MINUTE), lastError: "HTTP 503" });
    assert.deepEqual(await bannerAlertsOf(athlete.id, NOW), []);
    await runAlertChecks(NOW);
    assert.equal((await mailsTo("fay.failing@example.com")).length, 0);
    await runAlertChecks(NOW + 51 * MINUTE);
    const mails = await mailsTo("fay.failing@example.com");
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.subject, "enduco has not answered TrainLink for a while");
    assert.equal((await bannerAlertsOf(athlete.id, NOW + 51 * MINUTE))[0]?.kind, "refresh_failing");
  });

  it("a recovery mails those who asked for it; a disconnect closes quietly", async () => {
    const athlete = await makeUser("athlete", "Rob Recovers", "rob.recovers@example.com");
    await setEmailPreference(athlete.id, "connection_recovered", true);
    await connect(athlete, "trainerday");
    await connect(athlete, "enduco");
    await needsReauth(await row(athlete.id, "trainerday"), null, "invalid_grant", null);
    await needsReauth(await row(athlete.id, "enduco"), null, "invalid_grant", null);
    await runAlertChecks(NOW);
    await relink(athlete.id, "trainerday");
    await disconnected(await row(athlete.id, "enduco"), athlete.id, "by the athlete");
    await runAlertChecks(NOW + MINUTE);
    const subjects = (await mailsTo("rob.recovers@example.com")).map((m) => m.subject).sort();
    assert.deepEqual(subjects, ["TrainerDay stopped accepting TrainLink", "TrainerDay works again", "enduco stopped accepting TrainLink"]);
    assert.ok((await openAlerts(athlete.id)).every((a) => a.closedAt));
  });

  it("a connection missing a permission the product needs is found by the slower scan, and closes when granted", async () => {
    const athlete = await makeUser("athlete", "Mia Missing", "mia.missing@example.com");
    await connect(athlete, "trainerday", { scope: "athlete:read calendar:read" });
    const later = NOW + 86_400_000; // past the throttle of the scan, whatever ran before in this file
    assert.equal((await bannerAlertsOf(athlete.id, later))[0]?.kind, "missing_permissions");
    await runAlertChecks(later);
    const mails = await mailsTo("mia.missing@example.com");
    assert.deepEqual(
      mails.map((m) => m.subject),
      ["TrainerDay is missing permissions TrainLink needs"],
    );
    assert.equal((await runAlertChecks(later + 20 * MINUTE)).opened, 0, "one mail per episode");
    await relink(athlete.id, "trainerday", ["athlete:read", "calendar:read", "workout:read"]);
    assert.equal((await runAlertChecks(later + 21 * MINUTE)).closed, 1, "granting the permission closes it (no scan needed)");
  });

  it("an athlete who turned alerts off gets the banner and no mail", async () => {
    const athlete = await makeUser("athlete", "Quinn Quiet", "quinn.quiet@example.com");
    await setEmailPreference(athlete.id, "connection_alerts", false);
    await connect(athlete, "trainerday", { state: "revoked_by_service", accessToken: null, refreshToken: null });
    assert.equal((await runAlertChecks(NOW)).opened, 1);
    assert.equal((await mailsTo("quinn.quiet@example.com")).length, 0);
    assert.equal((await bannerAlertsOf(athlete.id, NOW))[0]?.kind, "revoked_by_service");
  });
});

describe("coach digest", () => {
  it("lists the coach's athletes that need attention, and is sent again only when the list changed", async () => {
    const coach = await makeUser("coach", "Cora Coach", "cora.coach@example.com");
    await makeUser("coach", "Olaf Other", "olaf.other@example.com");
    const broken = await athleteOf(coach, "Bea Broken");
    const fine = await athleteOf(coach, "Finn Fine");
    await connect(broken, "trainerday", { state: "needs_reauth" });
    await connect(fine, "trainerday");
    await runAlertChecks(NOW);

    const day = 86_400_000;
    const start = NOW + 10 * day; // later than any run of the other tests in this file
    assert.ok((await runCoachDigests(start)) >= 1);
    const mails = await mailsTo("cora.coach@example.com");
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.subject, "1 athlete needs attention");
    assert.match(mails[0]!.textBody, /Bea Broken — TrainerDay: needs to reconnect since/);
    assert.doesNotMatch(mails[0]!.textBody, /Finn Fine/);
    assert.match(mails[0]!.textBody, new RegExp(`/coach/athletes/${broken.id}`));
    assert.equal((await mailsTo("olaf.other@example.com")).length, 0, "a coach with nobody in trouble gets nothing");

    assert.equal(await runCoachDigests(start + 1_000), 0, "not again within the interval");
    await runCoachDigests(start + day);
    assert.equal((await mailsTo("cora.coach@example.com")).length, 1, "nothing is sent when nothing changed");

    await connect(fine, "enduco", { state: "revoked_by_service", accessToken: null });
    await runAlertChecks(start + day);
    await runCoachDigests(start + 2 * day);
    const again = await mailsTo("cora.coach@example.com");
    assert.equal(again.length, 2);
    assert.ok(again.some((m) => m.subject === "2 athletes need attention"));

    await setEmailPreference(coach.id, "coach_digest", false);
    assert.ok(!(await buildCoachDigests()).some((d) => d.coachId === coach.id), "a coach who turned it off is left out");
    const unsubscribed = await db.select().from(mailOutbox).where(like(mailOutbox.unsubscribeUrl, "%/api/unsubscribe?token=%"));
    assert.ok(unsubscribed.length >= 2);
  });
});
