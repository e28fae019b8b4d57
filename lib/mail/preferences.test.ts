import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { db } from "@/db";
import { EMAIL_KINDS, users } from "@/db/schema";
import {
  emailKindsFor,
  emailPreferencesOf,
  oneClickUnsubscribeUrl,
  readUnsubscribeToken,
  setEmailPreference,
  unsubscribeToken,
  unsubscribeUrl,
  wantsEmail,
} from "@/lib/mail/preferences";
import { openMigratedDb } from "@/tests/helpers/db";

// Issue 15: who gets which kind of mail, and the signed, single-purpose unsubscribe links.

process.env.NEXTAUTH_URL = "http://localhost:3000";

before(async () => {
  await openMigratedDb();
});

async function makeUser(role: "athlete" | "coach" | "admin") {
  const user = { id: randomUUID(), email: `${randomUUID()}@test.example`, name: `${role} test`, role };
  await db.insert(users).values(user);
  return user;
}

/** `token` with its part `index` (0 user, 1 kind, 2 MAC) replaced by `part`. */
const withPart = (token: string, index: number, part: string) =>
  token
    .split(".")
    .map((p, i) => (i === index ? part : p))
    .join(".");

describe("unsubscribe tokens", () => {
  const userId = randomUUID();

  it("round trip: the token names its user and kind, for every kind", () => {
    for (const kind of EMAIL_KINDS) assert.deepEqual(readUnsubscribeToken(unsubscribeToken(userId, kind)), { userId, kind });
  });

  it("is three base64url parts and holds nothing but the user id and the kind", () => {
    const token = unsubscribeToken(userId, "coach_digest");
    assert.match(token, /^[A-Za-z0-9_-]+\.coach_digest\.[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token.split(".")[0]!, "base64url").toString(), userId);
    assert.ok(!token.includes(process.env.NEXTAUTH_SECRET!));
  });

  it("a tampered MAC is refused", () => {
    const token = unsubscribeToken(userId, "connection_alerts");
    const mac = token.split(".")[2]!;
    const flipped = `${mac[0] === "A" ? "B" : "A"}${mac.slice(1)}`;
    assert.equal(readUnsubscribeToken(withPart(token, 2, flipped)), null);
    assert.equal(readUnsubscribeToken(withPart(token, 2, mac.slice(0, -1))), null);
    assert.equal(readUnsubscribeToken(withPart(token, 2, "")), null);
  });

  it("another kind under the same MAC is refused, and an unknown kind too", () => {
    const token = unsubscribeToken(userId, "connection_recovered");
    assert.equal(readUnsubscribeToken(withPart(token, 1, "connection_alerts")), null);
    assert.equal(readUnsubscribeToken(withPart(token, 1, "everything")), null);
  });

  it("another user's MAC does not sign this user's link, and this MAC does not sign another user", () => {
    const other = randomUUID();
    const mine = unsubscribeToken(userId, "reconnect_requests");
    const theirs = unsubscribeToken(other, "reconnect_requests");
    assert.equal(readUnsubscribeToken(withPart(mine, 2, theirs.split(".")[2]!)), null);
    assert.equal(readUnsubscribeToken(withPart(mine, 0, theirs.split(".")[0]!)), null);
  });

  it("malformed tokens are refused without throwing", () => {
    for (const token of ["", ".", "..", "a.b", "a.b.c.d", "not a token", `${unsubscribeToken(userId, "coach_digest")}.extra`])
      assert.equal(readUnsubscribeToken(token), null, JSON.stringify(token));
  });

  it("the page and one-click URLs are absolute, on NEXTAUTH_URL, and carry the token", () => {
    const token = unsubscribeToken(userId, "coach_digest");
    assert.equal(unsubscribeUrl(userId, "coach_digest"), `http://localhost:3000/unsubscribe?token=${encodeURIComponent(token)}`);
    assert.equal(oneClickUnsubscribeUrl(userId, "coach_digest"), `http://localhost:3000/api/unsubscribe?token=${encodeURIComponent(token)}`);
  });
});

describe("email preferences", () => {
  it("each role's kinds: athletes three, coaches the digest, administrators none", () => {
    assert.deepEqual(emailKindsFor("athlete"), ["connection_alerts", "connection_recovered", "reconnect_requests"]);
    assert.deepEqual(emailKindsFor("coach"), ["coach_digest"]);
    assert.deepEqual(emailKindsFor("admin"), []);
  });

  it("before any choice, each kind has its default", async () => {
    const user = await makeUser("athlete");
    assert.deepEqual(await emailPreferencesOf(user.id), {
      connection_alerts: true,
      connection_recovered: false,
      reconnect_requests: true,
      coach_digest: true,
    });
    assert.equal(await wantsEmail(user.id, "connection_alerts"), true);
    assert.equal(await wantsEmail(user.id, "connection_recovered"), false);
  });

  it("a choice is stored, changed again (one row per kind), and touches no other kind or user", async () => {
    const user = await makeUser("athlete");
    const other = await makeUser("athlete");
    await setEmailPreference(user.id, "connection_alerts", false);
    await setEmailPreference(user.id, "connection_recovered", true);
    assert.equal(await wantsEmail(user.id, "connection_alerts"), false);
    assert.equal(await wantsEmail(user.id, "connection_recovered"), true);
    assert.equal(await wantsEmail(user.id, "reconnect_requests"), true);
    await setEmailPreference(user.id, "connection_alerts", true);
    assert.equal(await wantsEmail(user.id, "connection_alerts"), true);
    assert.deepEqual(await emailPreferencesOf(other.id), await emailPreferencesOf((await makeUser("athlete")).id));
  });
});
