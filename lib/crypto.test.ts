import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { KeyringConfigError, open, parseKeyring, seal, sealedKeyId, TokenDecryptionError } from "@/lib/crypto";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");

describe("token sealing (AES-256-GCM)", () => {
  it("round-trips a token and never contains the plain text", () => {
    const keyring = parseKeyring(keyA);
    const sealed = seal("sbx-td-at-secret-canary", keyring, "accounts.access_token:1");
    assert.ok(!sealed.includes("sbx-td-at-secret-canary"));
    assert.equal(open(sealed, keyring, "accounts.access_token:1"), "sbx-td-at-secret-canary");
  });

  it("uses a fresh IV per seal, so equal tokens seal differently", () => {
    const keyring = parseKeyring(keyA);
    assert.notEqual(seal("same", keyring), seal("same", keyring));
  });

  it("detects a flipped byte in IV, ciphertext or tag", () => {
    const keyring = parseKeyring(keyA);
    const sealed = seal("tamper me", keyring);
    const parts = sealed.split(".");
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, "base64url");
      bytes[0]! ^= 0x01;
      const tampered = [...parts];
      tampered[index] = bytes.toString("base64url");
      assert.throws(() => open(tampered.join("."), keyring), TokenDecryptionError);
    }
  });

  it("refuses a value moved to another row or column (bound context)", () => {
    const keyring = parseKeyring(keyA);
    const sealed = seal("bound", keyring, "accounts.access_token:row-1");
    assert.throws(() => open(sealed, keyring, "accounts.access_token:row-2"), TokenDecryptionError);
    assert.throws(() => open(sealed, keyring, "accounts.refresh_token:row-1"), TokenDecryptionError);
  });

  it("a wrong key is a clear error naming the key id, not garbage", () => {
    const sealed = seal("secret", parseKeyring(`k1:${keyA}`));
    assert.throws(() => open(sealed, parseKeyring(`k2:${keyB}`)), /key id "k1", which TOKEN_ENCRYPTION_KEY does not list/);
    assert.throws(() => open(sealed, parseKeyring(`k1:${keyB}`)), /failed authentication under key id "k1"/);
  });

  it("opens values sealed with an older key listed after the current one", () => {
    const old = parseKeyring(`old:${keyA}`);
    const sealed = seal("rotated", old);
    const rotated = parseKeyring(`new:${keyB},old:${keyA}`);
    assert.equal(open(sealed, rotated), "rotated");
    assert.equal(sealedKeyId(seal("x", rotated)), "new");
  });

  it("rejects malformed keys with a message that names the variable", () => {
    assert.throws(() => parseKeyring(randomBytes(16).toString("base64")), KeyringConfigError);
    assert.throws(() => parseKeyring("not base64!!"), /TOKEN_ENCRYPTION_KEY entry 1 is not base64 of exactly 32 bytes/);
    assert.throws(() => parseKeyring(`a:${keyA},a:${keyB}`), /twice/);
    assert.throws(() => open("v1.x.y", parseKeyring(keyA)), /malformed/);
  });

  it("derives a stable key id for a key given without one", () => {
    assert.equal(parseKeyring(keyA).current.id, parseKeyring(keyA).current.id);
    assert.match(parseKeyring(keyA).current.id, /^[0-9a-f]{8}$/);
  });
});
