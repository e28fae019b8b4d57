import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { issueDeviceCookie, readCookie, verifiedDevice } from "@/lib/auth/device-cookie";
import { clientAddress, recordSignInFailure, recordSignInSuccess, signInWaitSeconds } from "@/lib/auth/throttle";
import { openMigratedDb } from "@/tests/helpers/db";

// Issue 12 point 9: sign-in limits that cannot lock out the owner. Before: ten wrong guesses every 15 minutes
// kept an account out for good, and the per-IP limit read the left-most (client-controlled) X-Forwarded-For.

process.env.NEXTAUTH_URL = "http://localhost:3000";
process.env.TRUST_PROXY_HOPS = "2";

before(async () => {
  await openMigratedDb();
});

const t0 = Date.UTC(2026, 11, 2, 8, 0, 0);
const s = (seconds: number) => t0 + seconds * 1000;

describe("the client address", () => {
  it("is counted from the right, TRUST_PROXY_HOPS entries in; what the client wrote to the left is ignored", () => {
    assert.equal(clientAddress({ "x-forwarded-for": "198.51.100.7, 203.0.113.5, 10.0.0.2" }), "203.0.113.5");
    assert.equal(clientAddress({ "x-forwarded-for": "1.1.1.1, 2.2.2.2, 203.0.113.5, 10.0.0.2" }), "203.0.113.5");
    assert.equal(clientAddress({ "x-forwarded-for": ["198.51.100.7", "203.0.113.5, 10.0.0.2"] }), "203.0.113.5");
    assert.equal(clientAddress({ "x-forwarded-for": "10.0.0.2" }), null, "fewer entries than hops: not through our proxies");
    assert.equal(clientAddress({ "x-forwarded-for": "<script>, 10.0.0.2" }), null);
    assert.equal(clientAddress({}), null);
  });
});

describe("growing delays", () => {
  const attempt = { email: "Grow@Example.com", client: "203.0.113.1", device: null };

  it("10 free failures per (account, client), then 30 s, 60 s, 120 s … at most 15 minutes, never a permanent lock", async () => {
    for (let i = 0; i < 10; i++) {
      assert.equal(await signInWaitSeconds(attempt, s(i)), 0, `failure ${i + 1} is free`);
      await recordSignInFailure(attempt, s(i));
    }
    assert.equal(await signInWaitSeconds(attempt, s(9)), 30);
    assert.equal(await signInWaitSeconds(attempt, s(39)), 0, "30 s after the 10th failure");
    let at = 39;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      await recordSignInFailure(attempt, s(at));
      const wait = await signInWaitSeconds(attempt, s(at));
      waits.push(wait);
      at += wait;
      assert.equal(await signInWaitSeconds(attempt, s(at)), 0, "allowed again once the delay has passed");
    }
    assert.deepEqual(waits, [60, 120, 240, 480, 900, 900, 900, 900]);
    assert.equal(await signInWaitSeconds({ ...attempt, email: "grow@example.com" }, s(at - 1)), 1, "emails are compared case-insensitively");
  });

  it("a day of quiet forgets the failures; a success forgets the pair's, not the client's", async () => {
    const quiet = { email: "quiet@example.com", client: "203.0.113.2", device: null };
    for (let i = 0; i < 10; i++) await recordSignInFailure(quiet, s(i));
    await recordSignInFailure(quiet, s(10));
    assert.equal(await signInWaitSeconds(quiet, s(10 + 24 * 3600)), 0);

    const other = { email: "someone@example.com", client: "203.0.113.3", device: null };
    for (let i = 0; i < 10; i++) await recordSignInFailure({ ...other, email: `guess-${i}@example.com` }, s(i));
    assert.equal(await signInWaitSeconds(other, s(9)), 30, "10 failures from one client across accounts slow that client down");
    await recordSignInSuccess({ ...other, email: "guess-0@example.com" });
    assert.equal(await signInWaitSeconds(other, s(9)), 30, "one success does not reset the client's count");
  });
});

describe("concurrent failures", () => {
  it("are all counted (one atomic upsert per failure, no lost update)", async () => {
    const racing = { email: "racing@example.com", client: "203.0.113.9", device: null };
    await Promise.all(Array.from({ length: 10 }, () => recordSignInFailure(racing, s(0))));
    assert.equal(await signInWaitSeconds(racing, s(0)), 30, "the 10 failures spent the allowance");
  });
});

describe("the owner is never kept out of a device they used", () => {
  it("a thousand guesses from rotating clients slow down unknown clients, not the owner's device", async () => {
    const email = "owner@example.com";
    const cookie = await issueDeviceCookie(email);
    for (let i = 0; i < 1000; i++) await recordSignInFailure({ email, client: `198.18.${i >> 8}.${i & 255}`, device: null }, s(i));
    assert.ok((await signInWaitSeconds({ email, client: "198.51.100.200", device: null }, s(1000))) > 0, "the account's net catches a spread attack");
    assert.ok((await signInWaitSeconds({ email, client: null, device: null }, s(1000))) > 0, "an unknown client (no trusted proxy) too");
    const id = await verifiedDevice(cookie, email);
    assert.ok(id);
    assert.equal(await signInWaitSeconds({ email, client: "198.18.0.1", device: id }, s(1000)), 0, "the owner's device signs in at once");
  });

  it("a device cookie is bound to its account and still counts its own failures", async () => {
    const cookie = await issueDeviceCookie("Mine@Example.com");
    assert.ok(await verifiedDevice(cookie, "mine@example.com"));
    assert.equal(await verifiedDevice(cookie, "other@example.com"), null);
    // A changed signature: its first character (the last one carries padding bits, so changing it may decode to the same bytes).
    const [header, payload, signature] = cookie.split(".") as [string, string, string];
    const tampered = `${header}.${payload}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    assert.equal(await verifiedDevice(tampered, "mine@example.com"), null);
    assert.equal(await verifiedDevice("not-a-jwt", "mine@example.com"), null);
    assert.ok(!cookie.includes("mine"), "the email is not in the cookie");
    const id = (await verifiedDevice(cookie, "mine@example.com"))!;
    const stolen = { email: "mine@example.com", client: null, device: id };
    for (let i = 0; i < 10; i++) await recordSignInFailure(stolen, s(i));
    assert.equal(await signInWaitSeconds(stolen, s(9)), 30);
    assert.equal(readCookie(`a=1; trainlink.device=${cookie}; b=2`, "trainlink.device"), cookie);
  });
});
