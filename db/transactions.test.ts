import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { eq, sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, type AppDatabase } from "./open";
import { SqliteQueue } from "./sqlite-queue";
import { users } from "./schema";

// The asynchronous data layer's transactions (docs/database.md), on the engine this run uses (an SQLite file, or
// PostgreSQL under npm run test:pg): a transaction's awaits never let another request's statements into it.

let db: AppDatabase;

before(async () => {
  await migrateDatabase(process.env.DATABASE_URL!);
  db = openDatabase(process.env.DATABASE_URL!);
});
after(() => db.close());

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));
const user = (label: string) => ({ id: randomUUID(), email: `${label}-${randomUUID()}@test.example`, name: label, role: "athlete" as const });
const exists = async (id: string) => (await db.select({ id: users.id }).from(users).where(eq(users.id, id))).length === 1;

describe("transactions on the asynchronous data layer", () => {
  it("a statement of another request, issued while a transaction awaits, is neither inside it nor rolled back with it", async () => {
    const inTx = user("inside");
    const outside = user("outside");
    let outsideSawUncommitted: boolean | null = null;
    const transaction = db
      .transaction(async (tx) => {
        await tx.insert(users).values(inTx);
        await tick(20); // the gap in which other requests run
        await tx.insert(users).values(user("inside-2"));
        throw new Error("roll back");
      })
      .catch((error: Error) => error.message);
    await tick(5); // the transaction is now open and awaiting
    const other = (async () => {
      await db.insert(users).values(outside);
      outsideSawUncommitted = await exists(inTx.id);
    })();
    assert.equal(await transaction, "roll back");
    await other;
    assert.equal(await exists(inTx.id), false, "the transaction's own rows were rolled back");
    assert.equal(await exists(outside.id), true, "the other request's row was not rolled back with it");
    assert.equal(outsideSawUncommitted, false, "the other request never saw the uncommitted row");
  });

  it("two read-modify-write transactions on one row, interleaved, lose no update", async () => {
    const counter = user("counter");
    await db.insert(users).values({ ...counter, name: "0" });
    const increment = () =>
      db.transaction(async (tx) => {
        // Lock the row on PostgreSQL (SQLite's transactions already run one at a time per process).
        const query = tx.select({ name: users.name }).from(users).where(eq(users.id, counter.id));
        const [row] = db.engine === "postgres" ? await query.for("update") : await query;
        await tick(2);
        await tx
          .update(users)
          .set({ name: String(Number(row!.name) + 1) })
          .where(eq(users.id, counter.id));
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, counter.id));
    assert.equal(row!.name, "20");
  });

  it("a transaction's result is its body's; a failed statement rolls back everything before it", async () => {
    const first = user("first");
    assert.equal(await db.transaction(async (tx) => (await tx.insert(users).values(user("ok")).returning({ id: users.id })).length), 1);
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.insert(users).values(first);
        await tx.insert(users).values({ ...user("dup"), email: first.email }); // unique violation
      }),
    );
    assert.equal(await exists(first.id), false);
  });

  it("writes report the rows they changed (rowCount) on both engines", async () => {
    const row = user("count");
    await db.insert(users).values(row);
    const changed = await db.update(users).set({ name: "renamed" }).where(eq(users.id, row.id));
    assert.equal(changed.rowCount, 1);
    const none = await db.update(users).set({ name: "x" }).where(eq(users.id, "nobody"));
    assert.equal(none.rowCount, 0);
    const [{ n }] = (await db.execute(sql`SELECT count(*) AS n FROM users WHERE id = ${row.id}`)).rows as [{ n: number }];
    assert.equal(Number(n), 1);
    // Raw SQL inside a transaction runs in it: it sees the transaction's own uncommitted row.
    const inside = user("raw");
    const seen = await db.transaction(async (tx) => {
      await tx.insert(users).values(inside);
      return (await tx.execute(sql`SELECT count(*) AS n FROM users WHERE id = ${inside.id}`)).rows as [{ n: number }];
    });
    assert.equal(Number(seen[0].n), 1);
  });
});

describe("SqliteQueue", () => {
  it("holds every statement of the process while an exclusive section runs, then runs them in order", async () => {
    const queue = new SqliteQueue();
    const log: string[] = [];
    const section = queue.exclusive(async () => {
      log.push("tx begin");
      await tick(10);
      await queue.statement(() => log.push("tx statement")); // inside: runs at once
      await tick(10);
      log.push("tx end");
    });
    const a = queue.statement(() => log.push("a"));
    const b = queue.statement(() => log.push("b"));
    await Promise.all([section, a, b]);
    assert.deepEqual(log, ["tx begin", "tx statement", "tx end", "a", "b"]);
    assert.equal(queue.depth, 0);
  });

  it("refuses a transaction started inside another (use the tx handle), and a failing section frees the queue", async () => {
    const queue = new SqliteQueue();
    await assert.rejects(
      queue.exclusive(() => queue.exclusive(async () => undefined)),
      /inside another one/,
    );
    await assert.rejects(
      queue.exclusive(async () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(await queue.statement(() => 42), 42);
  });
});
