import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { NextRequest } from "next/server";
import { db } from "@/db";
import { users } from "@/db/schema";
import { aliasServerNextNavigation } from "@/tests/helpers/next-server";
import { openMigratedDb } from "@/tests/helpers/db";

// Issue 15: app/api/unsubscribe/route.ts, the RFC 8058 one-click endpoint, called as Next.js calls it: the signed
// token is its whole authorization, checked before the body is read.

process.env.NEXTAUTH_URL = "http://localhost:3000";
// The route imports lib/route.ts, which imports next/navigation: load it only after the alias (see lib/route.test.ts).
aliasServerNextNavigation();
let route: typeof import("@/app/api/unsubscribe/route");
let preferences: typeof import("@/lib/mail/preferences");

before(async () => {
  await openMigratedDb();
  route = await import("@/app/api/unsubscribe/route");
  preferences = await import("@/lib/mail/preferences");
});

async function makeAthlete() {
  const user = { id: randomUUID(), email: `${randomUUID()}@test.example`, name: "One-click", role: "athlete" as const };
  await db.insert(users).values(user);
  return user;
}

/** A POST to the endpoint with `token`, whose body stream records whether anyone read it. */
function post(token: string | null, body = "List-Unsubscribe=One-Click", contentType = "application/x-www-form-urlencoded") {
  let read = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        read = true;
        controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  const url = `http://localhost:3000/api/unsubscribe${token === null ? "" : `?${new URLSearchParams({ token })}`}`;
  const request = new NextRequest(url, { method: "POST", body: stream, headers: { "content-type": contentType }, duplex: "half" } as never);
  return { request, wasRead: () => read };
}

describe("POST /api/unsubscribe (one-click)", () => {
  it("a valid token and the one-click body turn the kind off: 200 { ok: true }, no-store", async () => {
    const athlete = await makeAthlete();
    const { request } = post(preferences.unsubscribeToken(athlete.id, "connection_alerts"));
    const response = await route.POST(request);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.deepEqual(await response.json(), { ok: true });
    assert.equal(await preferences.wantsEmail(athlete.id, "connection_alerts"), false);
    assert.equal(await preferences.wantsEmail(athlete.id, "reconnect_requests"), true);
  });

  it("a tampered, missing or deleted user's token: 400 with a plain sentence, body never read, nothing written", async () => {
    const athlete = await makeAthlete();
    const token = preferences.unsubscribeToken(athlete.id, "reconnect_requests");
    const [user, kind, mac] = token.split(".") as [string, string, string];
    const tampered = `${user}.${kind}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`; // the last character's low bits are padding
    for (const bad of [tampered, null, preferences.unsubscribeToken(randomUUID(), "reconnect_requests")]) {
      const { request, wasRead } = post(bad);
      const response = await route.POST(request);
      assert.equal(response.status, 400, String(bad));
      assert.deepEqual(await response.json(), { error: "This unsubscribe link is not valid." });
      assert.equal(wasRead(), false, "the body is read only after the token checks out");
    }
    assert.equal(await preferences.wantsEmail(athlete.id, "reconnect_requests"), true);
  });

  it("a valid token with another body is 400, an oversized one 413; neither writes", async () => {
    const athlete = await makeAthlete();
    const token = preferences.unsubscribeToken(athlete.id, "connection_alerts");
    assert.equal((await route.POST(post(token, "List-Unsubscribe=Yes").request)).status, 400);
    assert.equal((await route.POST(post(token, "List-Unsubscribe=One-Click", "application/json").request)).status, 400);
    assert.equal((await route.POST(post(token, `List-Unsubscribe=One-Click&x=${"x".repeat(2000)}`).request)).status, 413);
    assert.equal(await preferences.wantsEmail(athlete.id, "connection_alerts"), true);
  });

  it("GET changes nothing: 303 to the unsubscribe page with the same token", async () => {
    const athlete = await makeAthlete();
    const token = preferences.unsubscribeToken(athlete.id, "connection_alerts");
    const response = route.GET(new NextRequest(`http://localhost:3000/api/unsubscribe?${new URLSearchParams({ token })}`));
    assert.equal(response.status, 303);
    assert.equal(response.headers.get("location"), `http://localhost:3000/unsubscribe?${new URLSearchParams({ token })}`);
    assert.equal(await preferences.wantsEmail(athlete.id, "connection_alerts"), true);
    assert.equal(route.GET(new NextRequest("http://localhost:3000/api/unsubscribe")).headers.get("location"), "http://localhost:3000/unsubscribe");
  });
});
