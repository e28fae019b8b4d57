import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bearerMatches } from "@/lib/metrics/scrape";

describe("bearerMatches", () => {
  const token = "0123456789abcdef0123";
  it("accepts exactly `Bearer <token>` (scheme case-insensitive, RFC 7235)", () => {
    assert.equal(bearerMatches(`Bearer ${token}`, token), true);
    assert.equal(bearerMatches(`bearer ${token}`, token), true);
  });
  it("refuses a missing header, another scheme, another token, a prefix or an extension of it", () => {
    for (const header of [
      null,
      "",
      token,
      `Basic ${token}`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}0`,
      `Bearer ${token} ${token}`,
      "Bearer ",
    ])
      assert.equal(bearerMatches(header, token), false, String(header));
  });
});
