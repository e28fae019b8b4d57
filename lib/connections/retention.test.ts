import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { db } from "@/db";
import { connectionEvents, users, webhookDeliveries } from "@/db/schema";
import { pruneRefreshEvents, pruneWebhookDeliveries } from "@/lib/connections/retention";
import { openMigratedDb } from "@/tests/helpers/db";

process.env.REFRESH_EVENTS_RETENTION_DAYS = "30";

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const DAY = 86_400_000;

before(async () => {
  await openMigratedDb();
});

describe("retention of routine refresh events", () => {
  it("deletes only `refreshed` events older than the retention, in batches, and keeps every other kind", async () => {
    const athlete = randomUUID();
    await db.insert(users).values({ id: athlete, email: `${athlete}@test.example`, name: "Kept", role: "athlete" });
    const row = (kind: "refreshed" | "refresh_failed" | "linked" | "needs_reauth", ageDays: number) => ({
      athleteId: athlete,
      service: "trainerday" as const,
      kind,
      at: new Date(NOW - ageDays * DAY),
    });
    await db.insert(connectionEvents).values([
      ...Array.from({ length: 1_203 }, (_, i) => row("refreshed", 31 + (i % 300))), // past retention
      ...Array.from({ length: 50 }, () => row("refreshed", 29)), // within
      row("refresh_failed", 400),
      row("linked", 400),
      row("needs_reauth", 90),
    ]);
    const deleted = await pruneRefreshEvents(NOW, { batch: 100 });
    assert.equal(deleted, 1_203);
    const left = await db.select({ kind: connectionEvents.kind }).from(connectionEvents);
    assert.equal(left.filter((e) => e.kind === "refreshed").length, 50);
    assert.deepEqual(
      left
        .filter((e) => e.kind !== "refreshed")
        .map((e) => e.kind)
        .sort(),
      ["linked", "needs_reauth", "refresh_failed"],
    );
    assert.equal(await pruneRefreshEvents(NOW), 0);
  });

  it("stops at maxRows per call; the next call goes on", async () => {
    const athlete = randomUUID();
    await db.insert(users).values({ id: athlete, email: `${athlete}@test.example`, name: "Many", role: "athlete" });
    await db.insert(connectionEvents).values(
      Array.from({ length: 450 }, () => ({
        athleteId: athlete,
        service: "enduco" as const,
        kind: "refreshed" as const,
        at: new Date(NOW - 60 * DAY),
      })),
    );
    assert.equal(await pruneRefreshEvents(NOW, { batch: 100, maxRows: 200 }), 200);
    assert.equal(await pruneRefreshEvents(NOW, { batch: 100, maxRows: 200 }), 200);
    assert.equal(await pruneRefreshEvents(NOW, { batch: 100, maxRows: 200 }), 50);
  });
});

describe("retention of webhook deliveries", () => {
  it("deletes deliveries older than WEBHOOK_DELIVERIES_RETENTION_DAYS (30), in batches, and keeps newer ones", async () => {
    const delivery = (ageDays: number) => ({
      service: "enduco" as const,
      kind: "deregister",
      status: 202,
      detail: "test",
      at: new Date(NOW - ageDays * DAY),
    });
    await db
      .insert(webhookDeliveries)
      .values([...Array.from({ length: 1_250 }, (_, i) => delivery(31 + (i % 90))), ...Array.from({ length: 7 }, () => delivery(2))]);
    assert.equal(await pruneWebhookDeliveries(NOW, { batch: 500 }), 1_250);
    assert.equal((await db.select().from(webhookDeliveries)).length, 7);
    assert.equal(await pruneWebhookDeliveries(NOW), 0);
  });
});
