import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encode } from "next-auth/jwt";
import { readSession } from "@/lib/auth/session-cookie";

process.env.NEXTAUTH_URL = "http://localhost:3000";
// The name next-auth v4 gives its session cookie over http (lib/auth/session-cookie-https.test.ts: over https).
const SESSION_COOKIE = "next-auth.session-token";
const secret = process.env.NEXTAUTH_SECRET!;

/** A cookie store as next/headers gives it, over plain name → value pairs. */
function store(cookies: Record<string, string>) {
  return {
    get: (name: string) => (name in cookies ? { name, value: cookies[name]! } : undefined),
    getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })),
  };
}
const claims = { sub: "user-1", name: "Ada", email: "ada@example.com", role: "coach" as const, signedInAt: 1_700_000_000, sid: "session-1" };
const session = { userId: "user-1", signedInAt: 1_700_000_000, sid: "session-1" };

describe("reading the session cookie", () => {
  it("a session next-auth encoded gives its user id, sign-in time and session id", async () => {
    const token = await encode({ token: claims, secret, maxAge: 3600 });
    assert.deepEqual(await readSession(store({ [SESSION_COOKIE]: token, "next-auth.csrf-token": "abc", other: "x" })), session);
  });

  it("a session split into next-auth's chunks reads the same, in chunk order", async () => {
    const token = await encode({ token: claims, secret, maxAge: 3600 });
    const part = Math.ceil(token.length / 11);
    // Eleven chunks, given out of order: `.10` must come last, not between `.1` and `.2`.
    const chunks = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`${SESSION_COOKIE}.${i}`, token.slice(i * part, (i + 1) * part)]).reverse(),
    );
    assert.deepEqual(await readSession(store(chunks)), session);
  });

  it("no cookie, another secret, a tampered, an expired or a claim-less token is no session", async () => {
    const valid = await encode({ token: claims, secret, maxAge: 3600 });
    const tampered = `${valid.slice(0, -4)}${valid.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    const cases = {
      none: store({}),
      secureNameOverHttp: store({ "__Secure-next-auth.session-token": valid }),
      otherSecret: store({ [SESSION_COOKIE]: await encode({ token: claims, secret: `${secret}x`, maxAge: 3600 }) }),
      tampered: store({ [SESSION_COOKIE]: tampered }),
      // Beyond next-auth's 15 s clock tolerance.
      expired: store({ [SESSION_COOKIE]: await encode({ token: claims, secret, maxAge: -60 }) }),
      noRole: store({ [SESSION_COOKIE]: await encode({ token: { sub: "user-1" }, secret, maxAge: 3600 }) }),
      noUser: store({ [SESSION_COOKIE]: await encode({ token: { role: "coach" }, secret, maxAge: 3600 }) }),
      missingChunk: store({ [`${SESSION_COOKIE}.0`]: valid.slice(0, 100), [`${SESSION_COOKIE}.2`]: valid.slice(200) }),
      garbage: store({ [SESSION_COOKIE]: "not-a-jwt" }),
    };
    for (const [name, cookies] of Object.entries(cases)) assert.equal(await readSession(cookies), null, name);
  });
});
