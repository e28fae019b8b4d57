import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { apiKeys, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { failed } from "@/lib/result";
import { openMigratedDb } from "@/tests/helpers/db";
import { authenticateApiKey, forgetRecordedUses, LAST_USED_INTERVAL_MS } from "./authenticate-api-key";
import { createApiKey } from "./create-api-key";
import { revokeApiKey } from "./revoke-api-key";

// Authenticating API requests by key, against the real database.

let admin: SessionUser;

async function newKey(scopes: Parameters<typeof createApiKey>[1]["scopes"], expiresAt: Date | null = null) {
  const created = await createApiKey(admin, { name: `Key ${randomUUID().slice(0, 6)}`, scopes, expiresAt });
  if (failed(created)) throw new Error(created.error);
  return created;
}

const usage = async (id: string) => (await db.select({ at: apiKeys.lastUsedAt, ip: apiKeys.lastUsedIp }).from(apiKeys).where(eq(apiKeys.id, id)))[0];

before(async () => {
  await openMigratedDb();
  admin = { id: randomUUID(), email: `${randomUUID()}@test.example`, name: "Key Admin", role: "admin" };
  await db.insert(users).values(admin);
});

describe("authenticateApiKey", () => {
  it("a created key authenticates as its caller, with its scopes parsed", async () => {
    const { key, plaintext } = await newKey(["webhooks:manage", "connections:read"]);
    const caller = await authenticateApiKey(`Bearer ${plaintext}`, null);
    assert.deepEqual(caller, { keyId: key.id, name: key.name, prefix: key.prefix, scopes: ["connections:read", "webhooks:manage"] });
  });

  it("refuses a missing or malformed header, and a well-formed key that does not exist (same prefix, other secret)", async () => {
    const { plaintext } = await newKey(["connections:read"]);
    const forged = `${plaintext.slice(0, -4)}${plaintext.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    assert.deepEqual(await authenticateApiKey(null, null), { error: "missing" });
    assert.deepEqual(await authenticateApiKey(`Basic ${Buffer.from("a:b").toString("base64")}`, null), { error: "missing" });
    assert.deepEqual(await authenticateApiKey("Bearer nope", null), { error: "malformed" });
    assert.deepEqual(await authenticateApiKey(`Bearer ${plaintext}=`, null), { error: "malformed" });
    assert.deepEqual(await authenticateApiKey(plaintext, null), { error: "missing" }, "a bare key without the Bearer scheme");
    assert.deepEqual(await authenticateApiKey(`Bearer ${forged}`, null), { error: "unknown" });
  });

  it("refuses a revoked key at once, and an expired one from its expiry on", async () => {
    const revoked = await newKey(["connections:read"]);
    assert.ok(!failed(await authenticateApiKey(`Bearer ${revoked.plaintext}`, null)));
    await revokeApiKey(admin, revoked.key.id);
    assert.deepEqual(await authenticateApiKey(`Bearer ${revoked.plaintext}`, null), { error: "revoked" });

    const expiresAt = new Date(Date.now() + 3_600_000);
    const expiring = await newKey(["connections:read"], expiresAt);
    assert.ok(!failed(await authenticateApiKey(`Bearer ${expiring.plaintext}`, null, expiresAt.getTime() - 1)));
    assert.deepEqual(await authenticateApiKey(`Bearer ${expiring.plaintext}`, null, expiresAt.getTime()), { error: "expired" });
  });

  it("records the last use and the caller's address, at most once a minute per key", async () => {
    forgetRecordedUses();
    const { key, plaintext } = await newKey(["connections:read"]);
    assert.deepEqual(await usage(key.id), { at: null, ip: null });
    const t0 = Date.now();
    await authenticateApiKey(`Bearer ${plaintext}`, "203.0.113.5", t0);
    assert.deepEqual(await usage(key.id), { at: new Date(t0), ip: "203.0.113.5" });

    // Within the minute: neither this process (its map) nor the SQL condition (another process) writes again.
    await authenticateApiKey(`Bearer ${plaintext}`, "198.51.100.7", t0 + 30_000);
    forgetRecordedUses();
    await authenticateApiKey(`Bearer ${plaintext}`, "198.51.100.7", t0 + LAST_USED_INTERVAL_MS - 1);
    assert.deepEqual(await usage(key.id), { at: new Date(t0), ip: "203.0.113.5" });

    // A minute after the stored use: written again, with the new address (this process's map forgot its last try).
    forgetRecordedUses();
    await authenticateApiKey(`Bearer ${plaintext}`, "198.51.100.7", t0 + LAST_USED_INTERVAL_MS + 1);
    assert.deepEqual(await usage(key.id), { at: new Date(t0 + LAST_USED_INTERVAL_MS + 1), ip: "198.51.100.7" });
    // This process's map alone holds back the next write within its own minute (the row's condition would allow it).
    await authenticateApiKey(`Bearer ${plaintext}`, "192.0.2.9", t0 + 3 * LAST_USED_INTERVAL_MS);
    assert.equal((await usage(key.id))?.ip, "192.0.2.9");
    await db.update(apiKeys).set({ lastUsedAt: null }).where(eq(apiKeys.id, key.id));
    await authenticateApiKey(`Bearer ${plaintext}`, "192.0.2.10", t0 + 3 * LAST_USED_INTERVAL_MS + 1_000);
    assert.deepEqual(await usage(key.id), { at: null, ip: "192.0.2.9" });

    // A refused key's use is not recorded.
    await revokeApiKey(admin, key.id);
    await authenticateApiKey(`Bearer ${plaintext}`, "192.0.2.1", t0 + 10 * LAST_USED_INTERVAL_MS);
    assert.equal((await usage(key.id))?.ip, "192.0.2.9");
  });
});
