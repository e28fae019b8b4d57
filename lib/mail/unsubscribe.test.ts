import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { users } from "@/db/schema";
import { unsubscribeToken, wantsEmail } from "@/lib/mail/preferences";
import { applyUnsubscribe, findUnsubscribeLink, isOneClickBody, maskEmail, MAX_UNSUBSCRIBE_TOKEN_LENGTH } from "@/lib/mail/unsubscribe";
import { openMigratedDb } from "@/tests/helpers/db";

// Issue 15: the unsubscribe page and the RFC 8058 one-click endpoint trust only the signed token, and only while
// its user exists.

process.env.NEXTAUTH_URL = "http://localhost:3000";

before(async () => {
  await openMigratedDb();
});

async function makeUser(email = `${randomUUID()}@test.example`) {
  const user = { id: randomUUID(), email, name: "Unsubscriber", role: "athlete" as const };
  await db.insert(users).values(user);
  return user;
}

describe("maskEmail", () => {
  it("keeps the first character and the domain only", () => {
    assert.equal(maskEmail("ana.lopez@example.com"), "a•••@example.com");
    assert.equal(maskEmail("a@example.com"), "a•••@example.com");
    assert.equal(maskEmail("not-an-address"), "•••");
  });
});

describe("findUnsubscribeLink and applyUnsubscribe", () => {
  it("a valid token names its user (address masked) and kind; applying it turns that kind off only", async () => {
    const user = await makeUser("bea.unsub@example.org");
    const link = await findUnsubscribeLink(unsubscribeToken(user.id, "connection_alerts"));
    assert.deepEqual(link, { userId: user.id, kind: "connection_alerts", maskedEmail: "b•••@example.org" });
    assert.equal(await wantsEmail(user.id, "connection_alerts"), true, "finding a link changes nothing");
    await applyUnsubscribe(link!);
    assert.equal(await wantsEmail(user.id, "connection_alerts"), false);
    assert.equal(await wantsEmail(user.id, "reconnect_requests"), true);
  });

  it("a tampered, empty, overlong or missing token, or a user that no longer exists, is not a link", async () => {
    const user = await makeUser();
    const token = unsubscribeToken(user.id, "reconnect_requests");
    const [userPart, kind, mac] = token.split(".") as [string, string, string];
    assert.equal(await findUnsubscribeLink(`${userPart}.${kind}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`), null);
    assert.equal(await findUnsubscribeLink(""), null);
    assert.equal(await findUnsubscribeLink(null), null);
    assert.equal(await findUnsubscribeLink(`${token}${"A".repeat(MAX_UNSUBSCRIBE_TOKEN_LENGTH)}`), null);
    assert.equal(await findUnsubscribeLink(unsubscribeToken(randomUUID(), "reconnect_requests")), null);
    assert.ok(await findUnsubscribeLink(token));
    await db.delete(users).where(eq(users.id, user.id));
    assert.equal(await findUnsubscribeLink(token), null);
  });
});

describe("isOneClickBody (RFC 8058 §3.2)", () => {
  it("accepts List-Unsubscribe=One-Click, form-urlencoded (also without a Content-Type) or multipart", async () => {
    assert.equal(await isOneClickBody("application/x-www-form-urlencoded", "List-Unsubscribe=One-Click"), true);
    assert.equal(await isOneClickBody("application/x-www-form-urlencoded; charset=utf-8", "List-Unsubscribe=One-Click"), true);
    assert.equal(await isOneClickBody(null, "List-Unsubscribe=One-Click"), true, "no Content-Type: read as form-urlencoded");
    const form = new FormData();
    form.set("List-Unsubscribe", "One-Click");
    const request = new Request("http://localhost/", { method: "POST", body: form });
    assert.equal(await isOneClickBody(request.headers.get("content-type"), await request.text()), true);
  });

  it("refuses any other body or content type", async () => {
    assert.equal(await isOneClickBody("application/x-www-form-urlencoded", ""), false);
    assert.equal(await isOneClickBody("application/x-www-form-urlencoded", "List-Unsubscribe=Yes"), false);
    assert.equal(await isOneClickBody("text/plain", "List-Unsubscribe=One-Click"), false);
    assert.equal(await isOneClickBody("multipart/form-data; boundary=x", "garbage"), false);
  });
});
