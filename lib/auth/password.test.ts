import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

describe("passwords (argon2id, OWASP parameters)", () => {
  it("hashes with argon2id at m=19456 KiB, t=2, p=1 and verifies", async () => {
    const hash = await hashPassword("demo1234");
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(hash, "demo1234"), true);
    assert.equal(await verifyPassword(hash, "demo12345"), false);
  });
  it("answers false for a missing hash after doing the same work", async () => {
    assert.equal(await verifyPassword(null, "anything"), false);
    assert.equal(await verifyPassword("not a hash", "anything"), false);
  });
});
