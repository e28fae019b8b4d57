import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { db } from "@/db";
import { users } from "@/db/schema";
import { resolvePerson, searchUsers, USER_SUGGESTION_LIMIT } from "@/lib/admin/user-search";
import type { SessionUser } from "@/lib/auth/users";
import { ForbiddenError } from "@/lib/authz";
import { openMigratedDb } from "@/tests/helpers/db";

// The audit log's person filters: suggestions by part of a name or email, and a typed value resolved to one user.

let admin: SessionUser;
const tag = randomUUID().slice(0, 8);

async function makeUser(role: "athlete" | "coach" | "admin", name: string, email = `${randomUUID()}@test.example`) {
  const user: SessionUser = { id: randomUUID(), email, name, role };
  await db.insert(users).values(user);
  return user;
}

before(async () => {
  await openMigratedDb();
  admin = await makeUser("admin", `Admin ${tag}`);
});

describe("searchUsers", () => {
  it("finds name or email substrings in any case, wildcards taken literally, ordered by name", async () => {
    const zed = await makeUser("athlete", `Zed Quasar${tag}`, `zed.${tag}@example.com`);
    const ana = await makeUser("coach", `Ana Quasar${tag}`, `ana.${tag}@example.com`);
    await makeUser("athlete", `Other ${tag}`, `percent50%${tag}@example.com`);
    assert.deepEqual(
      (await searchUsers(admin, `QUASAR${tag}`)).map((u) => u.id),
      [ana.id, zed.id],
    );
    assert.deepEqual(
      (await searchUsers(admin, `  ZED.${tag}@EXAMPLE `)).map((u) => [u.name, u.email, u.role]),
      [[zed.name, zed.email, "athlete"]],
    );
    assert.equal((await searchUsers(admin, `percent5_%${tag}`)).length, 0, "_ and % are characters");
    assert.deepEqual(await searchUsers(admin, "   "), []);
  });

  it(`answers at most ${USER_SUGGESTION_LIMIT} users`, async () => {
    for (let i = 0; i < USER_SUGGESTION_LIMIT + 2; i++) await makeUser("athlete", `Many${tag} ${String(i).padStart(2, "0")}`);
    assert.equal((await searchUsers(admin, `many${tag}`)).length, USER_SUGGESTION_LIMIT);
  });

  it("refuses anyone but an admin", async () => {
    const coach = await makeUser("coach", `Coach ${tag}`);
    await assert.rejects(searchUsers(coach, "a"), ForbiddenError);
    await assert.rejects(searchUsers(null, "a"), ForbiddenError);
    await assert.rejects(resolvePerson(coach, "a"), ForbiddenError);
  });
});

describe("resolvePerson", () => {
  it("takes an exact id or email first, then a single search match; several or none say so", async () => {
    const bo = await makeUser("athlete", `Bo Resolve${tag}`, `bo.${tag}@example.com`);
    await makeUser("athlete", `Bea Resolve${tag}`, `bea.${tag}@example.com`);
    assert.deepEqual(await resolvePerson(admin, bo.id), { kind: "one", user: { id: bo.id, name: bo.name, email: bo.email, role: "athlete" } });
    assert.equal(((await resolvePerson(admin, `BO.${tag}@EXAMPLE.COM`)) as { user: { id: string } }).user.id, bo.id);
    assert.equal(((await resolvePerson(admin, `bo resolve${tag}`)) as { user: { id: string } }).user.id, bo.id);
    const many = await resolvePerson(admin, `resolve${tag}`);
    assert.equal(many.kind, "many");
    assert.equal(many.kind === "many" && many.users.length, 2);
    assert.equal(many.kind === "many" && many.more, false);
    assert.deepEqual(await resolvePerson(admin, `nobody-${tag}`), { kind: "none" });
    assert.deepEqual(await resolvePerson(admin, `nobody-${tag}@example.com`), { kind: "none" });
  });

  it("says more users match beyond the limit", async () => {
    for (let i = 0; i < USER_SUGGESTION_LIMIT + 1; i++) await makeUser("athlete", `Lots${tag} ${String(i).padStart(2, "0")}`);
    const found = await resolvePerson(admin, `lots${tag}`);
    assert.equal(found.kind === "many" && found.users.length, USER_SUGGESTION_LIMIT);
    assert.equal(found.kind === "many" && found.more, true);
  });
});
