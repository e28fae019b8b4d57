import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { db } from "@/db";
import { users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { emailPreferencesOf, wantsEmail } from "@/lib/mail/preferences";
import { emailSettingsOf, updateOwnEmailPreference } from "@/lib/mail/settings";
import { openMigratedDb } from "@/tests/helpers/db";

// Issue 15: the settings page's email switches, for the signed-in user's own mail only.

process.env.NEXTAUTH_URL = "http://localhost:3000";

before(async () => {
  await openMigratedDb();
});

async function makeUser(role: SessionUser["role"]): Promise<SessionUser> {
  const user = { id: randomUUID(), email: `${randomUUID()}@test.example`, name: `${role} settings`, role };
  await db.insert(users).values(user);
  return user;
}

describe("email settings", () => {
  it("lists the kinds of the user's role with labels and current values; none for administrators", async () => {
    const athlete = await makeUser("athlete");
    assert.deepEqual(
      (await emailSettingsOf(athlete)).map((s) => [s.kind, s.enabled]),
      [
        ["connection_alerts", true],
        ["connection_recovered", false],
        ["reconnect_requests", true],
      ],
    );
    const coach = await makeUser("coach");
    const [digest, ...rest] = await emailSettingsOf(coach);
    assert.equal(rest.length, 0);
    assert.equal(digest?.kind, "coach_digest");
    assert.equal(digest?.label, "Daily digest of athletes who need attention");
    assert.deepEqual(await emailSettingsOf(await makeUser("admin")), []);
  });

  it("an athlete turns a kind on and off again, and says what was saved", async () => {
    const athlete = await makeUser("athlete");
    assert.deepEqual(await updateOwnEmailPreference(athlete, "connection_recovered", true), {
      ok: "Saved. You will get “A connection works again” emails.",
    });
    assert.equal(await wantsEmail(athlete.id, "connection_recovered"), true);
    assert.deepEqual(await updateOwnEmailPreference(athlete, "connection_recovered", false), {
      ok: "Saved. You will no longer get “A connection works again” emails.",
    });
    assert.equal(await wantsEmail(athlete.id, "connection_recovered"), false);
  });

  it("a kind the role does not receive is refused and nothing is written", async () => {
    const coach = await makeUser("coach");
    const admin = await makeUser("admin");
    const before = await emailPreferencesOf(coach.id);
    const refused = await updateOwnEmailPreference(coach, "connection_alerts", false);
    assert.ok("error" in refused && /not sent to coaches/.test(refused.error));
    assert.deepEqual(await emailPreferencesOf(coach.id), before);
    assert.ok("error" in (await updateOwnEmailPreference(admin, "coach_digest", false)));
    assert.equal(await wantsEmail(admin.id, "coach_digest"), true);
  });
});
