import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { db } from "@/db";
import { accounts, users } from "@/db/schema";
import { listConnectionsPage } from "@/lib/admin/connections";
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
          updatedAt: new Date(NOW),
        });
    const order = [...athletes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    expected = order.flatMap((a) => [...services].sort().map((s) => `${a.id}/${s}`));
  });

  it("pages cover every connection exactly once, in name, id, service order, at any page number", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const result = await listConnectionsPage(viewer, { page });
      assert.equal(result.total, 135);
      assert.equal(result.pageCount, 3);
      assert.equal(result.rows.length, page < 3 ? 50 : 35);
      seen.push(...result.rows.map((r) => `${r.athleteId}/${r.service}`));
    }
    assert.deepEqual(seen, expected);
  });

  it("a page past the end shows the last page; filters narrow the rows and the count", async () => {
    const last = await listConnectionsPage(viewer, { page: 999 });
    assert.equal(last.page, 3);
    assert.deepEqual(
      last.rows.map((r) => `${r.athleteId}/${r.service}`),
      expected.slice(100),
    );
    const enduco = await listConnectionsPage(viewer, { service: "enduco", page: 1 });
    assert.equal(enduco.total, 45);
    assert.ok(enduco.rows.every((r) => r.service === "enduco"));
    const gone = await listConnectionsPage(viewer, { status: "not_connected", page: 1 });
    assert.equal(gone.total, 45);
    assert.ok(gone.rows.every((r) => r.service === "fitrankings" && r.status === "not_connected"));
  });

  it("refuses anyone but an admin", async () => {
    await assert.rejects(listConnectionsPage({ ...viewer, role: "coach" }), /Forbidden|not allowed/i);
  });
});
