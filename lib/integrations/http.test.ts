import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { basicClientAuth } from "@/lib/integrations/http";

describe("basicClientAuth (RFC 6749 §2.3.1)", () => {
  it("form-urlencodes id and secret before base64", () => {
    const header = basicClientAuth("client id", "s:e/c+r%t");
    const decoded = Buffer.from(header.replace(/^Basic /, ""), "base64").toString();
    assert.equal(decoded, "client+id:s%3Ae%2Fc%2Br%25t");
  });
});
