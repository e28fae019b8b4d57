import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { API_KEY_PATTERN, formatScopes, generateApiKey, hashApiKey, parseBearer, parseScopes } from "./key-format";

const KEY = `tlk_0123abcd_${"A".repeat(42)}w`;

describe("API key format", () => {
  it("generates tlk_<8 hex>_<43 base64url> keys whose prefix is their first 12 characters and whose hash is SHA-256 hex", () => {
    const keys = Array.from({ length: 50 }, generateApiKey);
    for (const { plaintext, prefix, keyHash } of keys) {
      assert.match(plaintext, API_KEY_PATTERN);
      assert.equal(prefix, plaintext.slice(0, 12));
      assert.match(keyHash, /^[0-9a-f]{64}$/);
      assert.equal(keyHash, hashApiKey(plaintext));
    }
    assert.equal(new Set(keys.map((k) => k.plaintext)).size, 50);
    assert.equal(hashApiKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("reads Bearer credentials per RFC 6750 §2.1: scheme case-insensitive, other schemes are no credentials, other tokens malformed", () => {
    assert.deepEqual(parseBearer(`Bearer ${KEY}`), { kind: "key", key: KEY });
    assert.deepEqual(parseBearer(`bearer   ${KEY}`), { kind: "key", key: KEY });
    assert.deepEqual(parseBearer(`BEARER ${KEY}`), { kind: "key", key: KEY });
    assert.deepEqual(parseBearer(null), { kind: "none" });
    assert.deepEqual(parseBearer(""), { kind: "none" });
    assert.deepEqual(parseBearer("Basic dXNlcjpwYXNz"), { kind: "none" });
    for (const header of [
      "Bearer",
      "Bearer ",
      `Bearer ${KEY.slice(0, -1)}`,
      `Bearer ${KEY}x`,
      `Bearer ${KEY.replace("0123abcd", "0123ABCD")}`,
      `Bearer ${KEY} extra`,
      `Bearer ${KEY.replace("tlk_", "tlx_")}`,
      `Bearer ${KEY.replace(/A/, "+")}`,
      `Bearer ${"x".repeat(300)}`,
      `Bearer: ${KEY}`,
    ])
      assert.deepEqual(parseBearer(header), { kind: "malformed" }, header);
  });

  it("stores scopes space-separated, known ones only, once each, in a fixed order", () => {
    assert.equal(formatScopes(["tokens:issue", "connections:read", "tokens:issue", "admin:everything"]), "connections:read tokens:issue");
    assert.deepEqual(parseScopes("webhooks:manage connections:read  bogus"), ["connections:read", "webhooks:manage"]);
    assert.deepEqual(parseScopes(""), []);
  });
});
