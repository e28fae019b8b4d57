import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { db } from "@/db";
import { accounts, users } from "@/db/schema";
import { decodeCursor, listConnectionsPage } from "@/lib/admin/connections";
import type { SessionUser } from "@/lib/auth/users";
import { openMigratedDb } from "@/tests/helpers/db";

const NOW = Date.now();
const viewer: SessionUser = { id: randomUUID(), email: "admin@test.example", name: "Admin", role: "admin" };

before(async () => {
  await openMigratedDb();
});

describe("admin connections list", () => {
  const services = ["trainerday", "enduco", "fitrankings"] as const;
  let expected: string[] = [];

  before(async () => {
    // 45 athletes, several sharing a name (ties broken by id), 3 connections each: 135 rows, 3 pages of 50.
    const athletes = Array.from({ length: 45 }, (_, i) => ({
      id: randomUUID(),
      email: `${randomUUID()}@test.example`,
      name: `Athlete ${String(i % 30).padStart(2, "0")}`,
      role: "athlete" as const,
    }));
    await db.insert(users).values(athletes);
    for (const athlete of athletes)
      for (const [i, provider] of services.entries())
        await db.insert(accounts).values({
          id: randomUUID(),
          userId: athlete.id,
          provider,
          providerAccountId: randomUUID(),
          accessToken: i === 2 ? null : "v1.k.i.c.t",
          keyId: "k",
          expiresAt: Math.floor(NOW / 1000) + 3600,
          state: i === 2 ? "disconnected" : "connected",
          linkedAt: new Date(NOW),
          lastVerifiedAt: new Date(NOW - 60_000),
          // TrainerDay's required scopes granted; enduco's connections hold none.
          scope: i === 0 ? "athlete:read calendar:read workout:read" : null,
          updatedAt: new Date(NOW),
        });
    const order = [...athletes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    expected = order.flatMap((a) => [...services].sort().map((s) => `${a.id}/${s}`));
  });

  const keys = (rows: { athleteId: string; service: string }[]) => rows.map((r) => `${r.athleteId}/${r.service}`);

  it("Next from the first page covers every connection exactly once, in name, id, service order; Previous walks back the same pages", async () => {
    const pages: string[][] = [];
    let result = await listConnectionsPage(viewer);
    assert.equal(result.previous, null);
    for (;;) {
      assert.deepEqual(result.total, { count: 135, more: false });
      pages.push(keys(result.rows));
      if (!result.next) break;
      result = await listConnectionsPage(viewer, { after: result.next });
      assert.ok(result.previous, "a page reached with Next has a previous page");
    }
    assert.deepEqual(
      pages.map((p) => p.length),
      [50, 50, 35],
    );
    assert.deepEqual(pages.flat(), expected);
    // Back from the last page, with Previous.
    const back: string[][] = [];
    result = await listConnectionsPage(viewer, { last: true });
    assert.equal(result.next, null);
    back.unshift(keys(result.rows));
    while (result.previous) {
      result = await listConnectionsPage(viewer, { before: result.previous });
      assert.ok(result.next, "a page reached with Previous has a next page");
      back.unshift(keys(result.rows));
    }
    assert.deepEqual(back.flat(), expected);
    assert.deepEqual(back.at(-1), expected.slice(-50), "the last page holds the last 50 rows");
  });

  it("a cursor that is not ours starts at the top; filters narrow the rows and the count", async () => {
    const bogus = await listConnectionsPage(viewer, { after: "not-a-cursor" });
    assert.deepEqual(keys(bogus.rows), expected.slice(0, 50));
    assert.equal(decodeCursor(Buffer.from('["x","y","nope"]').toString("base64url")), null);
    const enduco = await listConnectionsPage(viewer, { service: "enduco" });
    assert.deepEqual(enduco.total, { count: 45, more: false });
    assert.ok(enduco.rows.every((r) => r.service === "enduco"));
    const gone = await listConnectionsPage(viewer, { status: "not_connected" });
    assert.deepEqual(gone.total, { count: 45, more: false });
    assert.ok(gone.rows.every((r) => r.service === "fitrankings" && r.status === "not_connected"));
    const missing = await listConnectionsPage(viewer, { status: "missing_permissions" });
    assert.deepEqual(missing.total, { count: 45, more: false });
    assert.ok(missing.rows.every((r) => r.service === "enduco" && r.status === "missing_permissions"));
    const connected = await listConnectionsPage(viewer, { status: "connected" });
    assert.deepEqual(connected.total, { count: 45, more: false });
    assert.ok(connected.rows.every((r) => r.service === "trainerday" && r.status === "connected"));
  });

  it("carries when each connection was last verified", async () => {
    const page = await listConnectionsPage(viewer, { service: "enduco" });
    assert.ok(page.rows.every((r) => r.lastVerifiedAt?.getTime() === NOW - 60_000));
  });

  it("refuses anyone but an admin", async () => {
    await assert.rejects(listConnectionsPage({ ...viewer, role: "coach" }), /Forbidden|not allowed/i);
  });
});
