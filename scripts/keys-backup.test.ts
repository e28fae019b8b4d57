import { firstRow } from "@/db/first";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { migrateDatabase, openDatabase, type AppDatabase } from "@/db/open";
import { accounts, appCredentials, connectionEvents, users } from "@/db/schema";
import { open, parseKeyring, seal, sealedKeyId, TokenDecryptionError } from "@/lib/crypto";
import { rotateKeys } from "@/lib/connections/rotate-keys";
import { findPostgresBin } from "@/scripts/postgres";

const OLD = `old:${randomBytes(32).toString("base64")}`;
const NEW = `new:${randomBytes(32).toString("base64")}`;
let database: AppDatabase;
let userId: string;

async function addConnection(keyringSpec: string, provider: "trainerday" | "enduco", access: string, refresh: string) {
  const keyring = parseKeyring(keyringSpec);
  const id = randomUUID();
  const owner = randomUUID();
  await database.insert(users).values({ id: owner, email: `${owner}@test.example`, name: "Owner", role: "athlete" });
  await database.insert(accounts).values({
    id,
    userId: owner,
    provider,
    accessToken: seal(access, keyring, `accounts.access_token:${id}`),
    refreshToken: seal(refresh, keyring, `accounts.refresh_token:${id}`),
    updatedAt: new Date(),
  });
  return id;
}

before(async () => {
  await migrateDatabase(process.env.DATABASE_URL!);
  database = openDatabase(process.env.DATABASE_URL!);
  userId = randomUUID();
  await database.insert(users).values({ id: userId, email: `${userId}@test.example`, name: "Rotating", role: "athlete" });
});

describe("npm run keys:rotate (rotateKeys)", () => {
  it("re-seals every token under the current key, after which the old key can be removed", async () => {
    const a = await addConnection(OLD, "trainerday", "canary-access-a", "canary-refresh-a");
    const b = await addConnection(OLD, "enduco", "canary-access-b", "canary-refresh-b");
    await database.insert(appCredentials).values({
      service: "fitrankings",
      kind: "master_token",
      value: seal("canary-master", parseKeyring(OLD), "app_credentials.fitrankings.master_token"),
      obtainedAt: new Date(),
    });

    const result = await rotateKeys(database, parseKeyring(`${NEW},${OLD}`));
    assert.deepEqual(result, { resealed: 3, current: 0 });
    assert.deepEqual(await rotateKeys(database, parseKeyring(`${NEW},${OLD}`)), { resealed: 0, current: 3 }, "idempotent");

    const onlyNew = parseKeyring(NEW);
    for (const [id, access, refresh] of [
      [a, "canary-access-a", "canary-refresh-a"],
      [b, "canary-access-b", "canary-refresh-b"],
    ] as const) {
      const row = (await database.select().from(accounts)).find((r) => r.id === id)!;
      assert.equal(sealedKeyId(row.accessToken!), "new");
      assert.equal(row.keyId, "new");
      assert.equal(open(row.accessToken!, onlyNew, `accounts.access_token:${id}`), access);
      assert.equal(open(row.refreshToken!, onlyNew, `accounts.refresh_token:${id}`), refresh);
    }
    const master = (await database.select().from(appCredentials).limit(1).then(firstRow))!;
    assert.equal(open(master.value, onlyNew, "app_credentials.fitrankings.master_token"), "canary-master");
  });

  it("stops with a clear error, changing nothing in that row, when a value's key is not listed", async () => {
    const id = await addConnection(`lost:${randomBytes(32).toString("base64")}`, "trainerday", "x", "y");
    const before = (await database.select().from(accounts)).find((r) => r.id === id)!;
    await assert.rejects(
      () => rotateKeys(database, parseKeyring(NEW)),
      (e: Error) => e instanceof TokenDecryptionError && /key id "lost"/.test(e.message),
    );
    assert.deepEqual(
      (await database.select().from(accounts)).find((r) => r.id === id),
      before,
    );
    await database.delete(accounts);
  });
});

describe("npm run db:backup", () => {
  it("writes an online backup that passes integrity_check while writes continue, with tokens still sealed", async () => {
    await addConnection(NEW, "trainerday", "canary-in-backup-access", "canary-in-backup-refresh");
    let writes = 0;
    const writer = setInterval(() => {
      void database
        .insert(connectionEvents)
        .values({ athleteId: userId, service: "trainerday", kind: "refreshed", detail: `write ${writes++}`, at: new Date() });
    }, 2);
    const onPostgres = database.engine === "postgres";
    const target = join(tmpdir(), `backup-${randomUUID()}.${onPostgres ? "dump" : "db"}`);
    const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/backup.ts", target], { env: process.env });
      let text = "";
      child.stdout.on("data", (c: Buffer) => (text += c.toString()));
      child.stderr.on("data", (c: Buffer) => (text += c.toString()));
      child.on("exit", (code) => resolve({ code, text }));
    });
    clearInterval(writer);
    assert.equal(output.code, 0, output.text);
    assert.ok(writes > 10, "writes continued during the backup");
    let raw: Buffer;
    if (onPostgres) {
      // pg_dump's archive (compressed): read it back as SQL with pg_restore and look at what it holds.
      assert.match(output.text, /pg_restore reads it/);
      const bin = findPostgresBin();
      const script = spawnSync(bin ? join(bin, "pg_restore") : "pg_restore", ["--data-only", "-f", "-", target], { encoding: "utf8" });
      assert.equal(script.status, 0, script.stderr);
      const accountRows = script.stdout.split("COPY public.accounts ")[1]!.split("\\.")[0]!.trim().split("\n").slice(1);
      assert.equal(accountRows.length, 1);
      raw = Buffer.from(script.stdout);
    } else {
      assert.match(output.text, /integrity check ok/);
      const copy = new Database(target, { readonly: true });
      assert.equal(copy.pragma("integrity_check", { simple: true }), "ok");
      assert.equal((copy.prepare("SELECT count(*) AS n FROM accounts").get() as { n: number }).n, 1);
      copy.close();
      raw = readFileSync(target);
    }
    assert.equal(raw.includes(Buffer.from("canary-in-backup-access")), false);
    assert.equal(raw.includes(Buffer.from("canary-in-backup-refresh")), false);
  });
});
