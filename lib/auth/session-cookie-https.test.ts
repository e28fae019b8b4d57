import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encode } from "next-auth/jwt";
import { readSession } from "@/lib/auth/session-cookie";

// Its own file: `env` is read once per process, and node:test runs each file in its own process.
process.env.NEXTAUTH_URL = "https://trainlink.example";
const secret = process.env.NEXTAUTH_SECRET!;

function store(cookies: Record<string, string>) {
  return { getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })) };
}
const claims = { sub: "user-2", role: "athlete" as const, signedInAt: 1_700_000_100, sid: "session-2" };

describe("reading the session cookie when NEXTAUTH_URL is https", () => {
  it("reads next-auth's __Secure- cookie, whole or chunked, and ignores the unprefixed name", async () => {
    const token = await encode({ token: claims, secret, maxAge: 3600 });
    const half = Math.ceil(token.length / 2);
    const expected = { userId: "user-2", signedInAt: 1_700_000_100, sid: "session-2" };
    assert.deepEqual(await readSession(store({ "__Secure-next-auth.session-token": token })), expected);
    const chunked = { "__Secure-next-auth.session-token.1": token.slice(half), "__Secure-next-auth.session-token.0": token.slice(0, half) };
    assert.deepEqual(await readSession(store(chunked)), expected);
    assert.equal(await readSession(store({ "next-auth.session-token": token })), null);
  });

  it("an expired or tampered __Secure- cookie is no session", async () => {
    const expired = await encode({ token: claims, secret, maxAge: -60 });
    const valid = await encode({ token: claims, secret, maxAge: 3600 });
    const tampered = `${valid.slice(0, 30)}${valid[30] === "A" ? "B" : "A"}${valid.slice(31)}`;
    assert.equal(await readSession(store({ "__Secure-next-auth.session-token": expired })), null);
    assert.equal(await readSession(store({ "__Secure-next-auth.session-token": tampered })), null);
  });
});
