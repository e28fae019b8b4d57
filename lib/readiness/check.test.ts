import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { and, eq, sql } from "drizzle-orm";
import { GET } from "@/app/api/ready/route";
import { closeDb, db } from "@/db";
import { firstRow } from "@/db/first";
import { openDatabase, type AppDatabase } from "@/db/open";
import { appCredentials } from "@/db/schema";
import { rotateKeys } from "@/lib/connections/rotate-keys";
import { parseKeyring } from "@/lib/crypto";
import { env } from "@/lib/env";
import { openMigratedDb } from "@/tests/helpers/db";
import { ensureKeyCanary, openKeyCanary, sealKeyCanary } from "./canary";
import { forgetMigrationCheck } from "./check";

// GET /api/ready through its route handler, on the engine this run uses (SQLite, or PostgreSQL under
// `npm run test:pg`), against the real database: each failing check is caused for real, then undone.

type Body = { ok: boolean; failing?: string; checks: Record<string, { ok: boolean; latencyMs: number; error?: string }> };

const keyring = parseKeyring(env.TOKEN_ENCRYPTION_KEY);
const otherKey = () => randomBytes(32).toString("base64");
const canary = () =>
  db
    .select({ value: appCredentials.value })
    .from(appCredentials)
    .where(and(eq(appCredentials.service, "trainlink"), eq(appCredentials.kind, "key_canary")))
    .then(firstRow);
const setCanary = (value: string) =>
  db
    .update(appCredentials)
    .set({ value })
    .where(and(eq(appCredentials.service, "trainlink"), eq(appCredentials.kind, "key_canary")));

async function ready(): Promise<{ status: number; body: Body; text: string; cacheControl: string | null }> {
  const response = await GET();
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Body, text, cacheControl: response.headers.get("cache-control") };
}

/** Nothing secret in an answer: no key material, no database password. */
function assertNoSecret(text: string) {
  for (const entry of env.TOKEN_ENCRYPTION_KEY.split(",")) assert.ok(!text.includes(entry.slice(entry.indexOf(":") + 1)), "no key in the answer");
  const password = env.DATABASE_URL.startsWith("postgres") ? new URL(env.DATABASE_URL).password : "";
  if (password) assert.ok(!text.includes(password), "no database password in the answer");
}

before(async () => {
  await openMigratedDb();
});
after(() => closeDb());

describe("GET /api/ready", () => {
  it("answers 503 'encryption key' before the canary is stored, then 200 with every check once it is", async () => {
    const missing = await ready();
    assert.equal(missing.status, 503);
    assert.equal(missing.body.failing, "encryption key");
    assert.match(missing.body.checks["encryption key"]!.error!, /no key canary is stored/);

    await ensureKeyCanary(db, keyring);
    const { status, body, cacheControl } = await ready();
    assert.equal(status, 200);
    assert.equal(cacheControl, "no-store");
    assert.equal(body.ok, true);
    assert.equal(body.failing, undefined);
    assert.deepEqual(Object.keys(body.checks), ["database", "migrations", "encryption key"]);
    for (const check of Object.values(body.checks)) assert.equal(check.ok, true);
  });

  it("never replaces a stored canary at start-up (a server with the wrong key does not hide it)", async () => {
    const before = (await canary())!.value;
    await ensureKeyCanary(db, parseKeyring(otherKey()));
    assert.equal((await canary())!.value, before);
  });

  it("takes under 10 ms when healthy (median of 20)", async () => {
    await ready();
    const times: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      assert.equal((await ready()).status, 200);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const median = times[10]!;
    console.log(`/api/ready on ${db.engine}: median ${median.toFixed(2)} ms`);
    assert.ok(median < 10, `median ${median.toFixed(2)} ms`);
  });

  it("answers 503 'migrations' when the journal has a migration the database lacks, and 200 once it is back", async () => {
    const table = db.engine === "postgres" ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`;
    // Keyed by created_at (the journal's `when`): drizzle's SQLite table declares `id SERIAL`, which SQLite leaves null.
    const { rows } = await db.execute<{ hash: string; created_at: number | string }>(
      sql`SELECT hash, created_at FROM ${table} ORDER BY created_at DESC LIMIT 1`,
    );
    const last = { hash: rows[0]!.hash, createdAt: Number(rows[0]!.created_at) };
    assert.equal((await db.execute(sql`DELETE FROM ${table} WHERE created_at = ${last.createdAt}`)).rowCount, 1);
    try {
      assert.equal((await ready()).status, 200, "a passed migration check is cached: migrations do not un-apply");
      forgetMigrationCheck();
      const { status, body, text } = await ready();
      assert.equal(status, 503);
      assert.equal(body.ok, false);
      assert.equal(body.failing, "migrations");
      assert.match(body.checks.migrations!.error!, /is not applied/);
      assert.equal(body.checks.database!.ok, true);
      assertNoSecret(text);
    } finally {
      await db.execute(sql`INSERT INTO ${table} (hash, created_at) VALUES (${last.hash}, ${last.createdAt})`);
    }
    assert.equal((await ready()).status, 200);
  });

  it("answers 503 'encryption key' when the canary was sealed with a key not in the keyring, or a wrong key under a listed id", async () => {
    const stored = (await canary())!.value;
    try {
      await setCanary(sealKeyCanary(parseKeyring(otherKey())));
      const unknown = await ready();
      assert.equal(unknown.status, 503);
      assert.equal(unknown.body.failing, "encryption key");
      assert.match(unknown.body.checks["encryption key"]!.error!, /a key that TOKEN_ENCRYPTION_KEY does not list/);
      assertNoSecret(unknown.text);

      await setCanary(sealKeyCanary(parseKeyring(`${keyring.current.id}:${otherKey()}`)));
      const wrong = await ready();
      assert.equal(wrong.status, 503);
      assert.equal(wrong.body.failing, "encryption key");
      assert.match(wrong.body.checks["encryption key"]!.error!, /does not open under TOKEN_ENCRYPTION_KEY/);
      assertNoSecret(wrong.text);
    } finally {
      await setCanary(stored);
    }
    assert.equal((await ready()).status, 200);
  });

  it("is re-sealed by key rotation like stored tokens", async () => {
    const next = `next:${otherKey()}`;
    await rotateKeys(db, parseKeyring(`${next},${env.TOKEN_ENCRYPTION_KEY}`));
    assert.equal(await openKeyCanary(db, parseKeyring(next)), null, "opens under the new key alone");
    await rotateKeys(db, parseKeyring(`${env.TOKEN_ENCRYPTION_KEY},${next}`));
    assert.equal((await ready()).status, 200);
  });

  it("answers 503 'database' when the database cannot answer, and 200 once it can again", async () => {
    const holder = globalThis as unknown as { appDb?: AppDatabase };
    const real = holder.appDb;
    let broken: AppDatabase;
    if (db.engine === "postgres") {
      // A PostgreSQL server that is down: a port nothing listens on.
      const port = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, "127.0.0.1", () => {
          const { port } = server.address() as { port: number };
          server.close(() => resolve(port));
        });
      });
      broken = openDatabase(`postgres://trainlink:not-the-password@127.0.0.1:${port}/gone`);
    } else {
      // SQLite has no server to stop: the app's handle to the file is closed under it.
      broken = openDatabase(env.DATABASE_URL);
      await broken.close();
    }
    holder.appDb = broken;
    try {
      const { status, body, text, cacheControl } = await ready();
      assert.equal(status, 503);
      assert.equal(cacheControl, "no-store");
      assert.equal(body.failing, "database");
      assert.equal(body.checks.database!.ok, false);
      assert.ok(body.checks.database!.error);
      assert.deepEqual(Object.keys(body.checks), ["database"], "the other checks wait for the database and are not run");
      assert.ok(!text.includes("not-the-password"));
      assertNoSecret(text);
    } finally {
      holder.appDb = real;
      if (db.engine === "postgres") await broken.close();
    }
    assert.equal((await ready()).status, 200);
  });
});
