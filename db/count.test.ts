import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { countUpTo, formatCount } from "@/db/count";
import { users } from "@/db/schema";
import { openMigratedDb } from "@/tests/helpers/db";

// A list's total that stops at a cap: exact below it, "cap+" above, on the engine this run uses.

before(async () => {
  await openMigratedDb();
  await db.insert(users).values(
    Array.from({ length: 30 }, (_, i) => ({
      id: randomUUID(),
      email: `${randomUUID()}@test.example`,
      name: `Counted ${i}`,
      role: i < 10 ? ("coach" as const) : ("athlete" as const),
    })),
  );
});

describe("countUpTo", () => {
  it("is exact up to the cap and says when more rows match", async () => {
    assert.deepEqual(await countUpTo(users, eq(users.role, "coach"), 10), { count: 10, more: false });
    assert.deepEqual(await countUpTo(users, eq(users.role, "athlete"), 10), { count: 10, more: true });
    assert.deepEqual(await countUpTo(users, eq(users.role, "athlete"), 20), { count: 20, more: false });
    assert.deepEqual(await countUpTo(users, eq(users.role, "admin")), { count: 0, more: false });
    assert.deepEqual(await countUpTo(users, undefined), { count: 30, more: false });
  });

  it("formats for people", () => {
    assert.equal(formatCount({ count: 1234, more: false }), "1,234");
    assert.equal(formatCount({ count: 10_000, more: true }), "10,000+");
  });
});
