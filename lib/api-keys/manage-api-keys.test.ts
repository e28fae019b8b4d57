import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { adminActions, apiKeys, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { ForbiddenError } from "@/lib/authz";
import { failed } from "@/lib/result";
import { openMigratedDb } from "@/tests/helpers/db";
import { createApiKey } from "./create-api-key";
import { hashApiKey } from "./key-format";
import { listApiKeys } from "./list-api-keys";
import { revokeApiKey } from "./revoke-api-key";

// Creating, listing and revoking API keys (admins only), against the real database.

let admin: SessionUser;

async function makeUser(role: "athlete" | "coach" | "admin") {
  const user: SessionUser = { id: randomUUID(), email: `${randomUUID()}@test.example`, name: `${role} ${randomUUID().slice(0, 6)}`, role };
  await db.insert(users).values(user);
  return user;
}

const actionsBy = (actorId: string) => db.select().from(adminActions).where(eq(adminActions.actorId, actorId)).orderBy(adminActions.id);

async function create(name: string, scopes: Parameters<typeof createApiKey>[1]["scopes"], expiresAt: Date | null = null, by = admin) {
  const created = await createApiKey(by, { name, scopes, expiresAt });
  if (failed(created)) throw new Error(created.error);
  return created;
}

before(async () => {
  await openMigratedDb();
  admin = await makeUser("admin");
});

describe("creating an API key", () => {
  it("stores only the hash and the prefix: the plaintext is in no column of the row, nor in the audit entry", async () => {
    const { key, plaintext } = await create("Planner", ["tokens:issue", "connections:read"]);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    assert.ok(row);
    assert.equal(row.prefix, plaintext.slice(0, 12));
    assert.equal(row.keyHash, hashApiKey(plaintext));
    assert.equal(row.scopes, "connections:read tokens:issue");
    assert.equal(row.createdBy, admin.id);
    const secretPart = plaintext.slice(13);
    for (const [column, value] of Object.entries(row)) {
      const text = value instanceof Date ? value.toISOString() : String(value);
      assert.ok(!text.includes(secretPart), `column ${column} holds the key's secret part`);
    }
    const [action] = (await actionsBy(admin.id)).filter((a) => a.kind === "api_key_created" && a.detail?.includes(key.prefix));
    assert.equal(action?.detail, `"Planner" (${key.prefix}): connections:read tokens:issue`);
    assert.ok(!action.detail.includes(secretPart));
    assert.deepEqual(
      { ...key, createdAt: undefined },
      {
        id: row.id,
        name: "Planner",
        prefix: row.prefix,
        scopes: ["connections:read", "tokens:issue"],
        createdAt: undefined,
        createdBy: admin.name,
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
        lastUsedIp: null,
        status: "active",
      },
    );
  });

  it("refuses a bad name, no scope, an unknown scope or a past expiry with a sentence, and writes nothing", async () => {
    const before = (await db.select({ id: apiKeys.id }).from(apiKeys)).length;
    const cases: [Parameters<typeof createApiKey>[1], RegExp][] = [
      [{ name: "   ", scopes: ["connections:read"], expiresAt: null }, /name/],
      [{ name: "x".repeat(101), scopes: ["connections:read"], expiresAt: null }, /100 characters/],
      [{ name: "No scopes", scopes: [], expiresAt: null }, /at least one scope/],
      [{ name: "Bad scope", scopes: ["admin:all" as "connections:read"], expiresAt: null }, /scopes from the list/],
      [{ name: "Past", scopes: ["connections:read"], expiresAt: new Date(Date.now() - 1000) }, /future/],
      [{ name: "Invalid date", scopes: ["connections:read"], expiresAt: new Date(Number.NaN) }, /valid expiry date/],
    ];
    for (const [input, message] of cases) {
      const result = await createApiKey(admin, input);
      assert.ok(failed(result), input.name);
      assert.match(result.error, message);
    }
    assert.equal((await db.select({ id: apiKeys.id }).from(apiKeys)).length, before);
  });

  it("is for admins only: coaches and athletes get ForbiddenError, and nothing is written", async () => {
    const before = (await db.select({ id: apiKeys.id }).from(apiKeys)).length;
    for (const user of [await makeUser("coach"), await makeUser("athlete"), null]) {
      await assert.rejects(createApiKey(user, { name: "Sneaky", scopes: ["tokens:issue"], expiresAt: null }), ForbiddenError);
      await assert.rejects(listApiKeys(user), ForbiddenError);
      await assert.rejects(revokeApiKey(user, "any"), ForbiddenError);
    }
    assert.equal((await db.select({ id: apiKeys.id }).from(apiKeys)).length, before);
  });
});

describe("listing and revoking API keys", () => {
  it("lists newest first with creator, status (active, expired, revoked) and never the hash", async () => {
    const t0 = Date.now();
    const older = await createApiKey(admin, { name: "Older", scopes: ["connections:read"], expiresAt: new Date(t0 + 60_000) }, t0 - 2000);
    const newer = await createApiKey(admin, { name: "Newer", scopes: ["webhooks:manage"], expiresAt: null }, t0 - 1000);
    assert.ok(!failed(older) && !failed(newer));
    const listed = await listApiKeys(admin, t0 + 120_000);
    const ours = listed.filter((k) => k.id === older.key.id || k.id === newer.key.id);
    assert.deepEqual(
      ours.map((k) => [k.name, k.status, k.createdBy, k.scopes]),
      [
        ["Newer", "active", admin.name, ["webhooks:manage"]],
        ["Older", "expired", admin.name, ["connections:read"]],
      ],
    );
    for (const key of listed) assert.ok(!("keyHash" in key));
    const times = listed.map((k) => k.createdAt.getTime());
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
  });

  it("revokes once with one audit entry; revoking again says so and records nothing; an unknown id is refused", async () => {
    const { key } = await create("To revoke", ["connections:revoke"]);
    const first = await revokeApiKey(admin, key.id);
    assert.ok(!failed(first));
    assert.match(first.ok, /“To revoke” is revoked/);
    const again = await revokeApiKey(admin, key.id);
    assert.ok(!failed(again));
    assert.match(again.ok, /already revoked/);
    const entries = (await actionsBy(admin.id)).filter((a) => a.kind === "api_key_revoked" && a.detail?.includes(key.prefix));
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.detail, `"To revoke" (${key.prefix})`);
    const [row] = await db.select({ revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, key.id));
    assert.ok(row?.revokedAt instanceof Date);
    assert.equal((await listApiKeys(admin)).find((k) => k.id === key.id)?.status, "revoked");
    const unknown = await revokeApiKey(admin, randomUUID());
    assert.ok(failed(unknown));
    assert.match(unknown.error, /does not exist/);
  });

  it("concurrent revocations of one key record one action", async () => {
    const { key } = await create("Raced", ["connections:read"]);
    const results = await Promise.all(Array.from({ length: 5 }, () => revokeApiKey(admin, key.id)));
    assert.equal(results.filter((r) => !failed(r) && /is revoked/.test(r.ok)).length, 1);
    const entries = (await actionsBy(admin.id)).filter((a) => a.kind === "api_key_revoked" && a.detail?.includes(key.prefix));
    assert.equal(entries.length, 1);
  });
});
