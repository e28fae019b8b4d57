import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encode } from "next-auth/jwt";
import { readSession, sessionCookieName } from "@/lib/auth/session-cookie";

process.env.NEXTAUTH_URL = "http://localhost:3000";
const SESSION_COOKIE = sessionCookieName();
const secret = process.env.NEXTAUTH_SECRET!;

/** A cookie store as next/headers gives it, over plain name → value pairs. */
function store(cookies: Record<string, string>) {
  return {
    get: (name: string) => (name in cookies ? { value: cookies[name]! } : undefined),
    getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })),
  };
}
const claims = { sub: "user-1", name: "Ada", email: "ada@example.com", role: "coach" as const, signedInAt: 1_700_000_000, sid: "session-1" };

describe("reading the session cookie", () => {
  it("a session next-auth encoded gives its user id, sign-in time and session id", async () => {
    const token = await encode({ token: claims, secret, maxAge: 3600 });
    assert.equal(SESSION_COOKIE, "next-auth.session-token");
    assert.deepEqual(await readSession(store({ [SESSION_COOKIE]: token })), { userId: "user-1", signedInAt: 1_700_000_000, sid: "session-1" });
  });

  it("a session split into next-auth's chunks reads the same, in chunk order", async () => {
    const token = await encode({ token: claims, secret, maxAge: 3600 });
    const third = Math.ceil(token.length / 3);
    const chunked = store({
      [`${SESSION_COOKIE}.2`]: token.slice(2 * third),
      [`${SESSION_COOKIE}.0`]: token.slice(0, third),
      [`${SESSION_COOKIE}.1`]: token.slice(third, 2 * third),
    });
    assert.deepEqual(await readSession(chunked), { userId: "user-1", signedInAt: 1_700_000_000, sid: "session-1" });
  });

  it("no cookie, another secret, a tampered, an expired or a claim-less token is no session", async () => {
    const valid = await encode({ token: claims, secret, maxAge: 3600 });
    const tampered = `${valid.slice(0, -4)}${valid.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    const cases = {
      none: store({}),
      otherName: store({ "__Secure-next-auth.session-token": valid }),
      otherSecret: store({ [SESSION_COOKIE]: await encode({ token: claims, secret: `${secret}x`, maxAge: 3600 }) }),
      tampered: store({ [SESSION_COOKIE]: tampered }),
      expired: store({ [SESSION_COOKIE]: await encode({ token: claims, secret, maxAge: -60 }) }),
      noRole: store({ [SESSION_COOKIE]: await encode({ token: { sub: "user-1" }, secret, maxAge: 3600 }) }),
      garbage: store({ [SESSION_COOKIE]: "not-a-jwt" }),
    };
    for (const [name, cookies] of Object.entries(cases)) assert.equal(await readSession(cookies), null, name);
  });
});
