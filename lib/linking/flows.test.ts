import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { users } from "@/db/schema";
import { consumeLinkFlow, recordLinkFlow } from "@/lib/linking/flows";
import { openMigratedDb } from "@/tests/helpers/db";

// The OAuth `state` records (RFC 9700 §4.7): each state is consumed at most once, also when callbacks race on
// several instances sharing one database (one conditional UPDATE … RETURNING; real concurrency on PostgreSQL).

let userId: string;

before(async () => {
  const { db } = await openMigratedDb();
  userId = randomUUID();
  await db.insert(users).values({ id: userId, email: `${userId}@test.example`, name: "Flow", role: "athlete" });
});

describe("link flows (state records)", () => {
  it("ten callbacks racing with one state: exactly one is accepted, the others are replays", async () => {
    const state = randomUUID();
    await recordLinkFlow({ state, service: "trainerday", userId, returnTo: "/connections", checkCookies: { "next-auth.state": "x" } });
    const results = await Promise.all(Array.from({ length: 10 }, () => consumeLinkFlow({ state, service: "trainerday", userId })));
    const accepted = results.filter((r) => !("error" in r));
    assert.equal(accepted.length, 1);
    assert.deepEqual(accepted[0], { returnTo: "/connections", checkCookies: { "next-auth.state": "x" } });
    assert.deepEqual(
      results.filter((r) => "error" in r).map((r) => ("error" in r ? r.error : null)),
      Array(9).fill("replayed"),
    );
  });

  it("a state for another service or user is refused and spent; an unknown one is unknown", async () => {
    const state = randomUUID();
    await recordLinkFlow({ state, service: "enduco", userId, returnTo: "/connections" });
    assert.deepEqual(await consumeLinkFlow({ state, service: "trainerday", userId }), { error: "wrong_service" });
    assert.deepEqual(await consumeLinkFlow({ state, service: "enduco", userId }), { error: "replayed" });
    assert.deepEqual(await consumeLinkFlow({ state: randomUUID(), service: "enduco", userId }), { error: "unknown" });
    assert.deepEqual(await consumeLinkFlow({ state: null, service: "enduco", userId }), { error: "missing" });
  });
});
