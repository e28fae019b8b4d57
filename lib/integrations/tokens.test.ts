import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseTokenResponse, splitScope } from "@/lib/integrations/tokens";

describe("parseTokenResponse", () => {
  it("accepts ExorLive's string expires_in and lower-case bearer", () => {
    const tokens = parseTokenResponse(
      "ExorLive",
      { access_token: "a", token_type: "bearer", expires_in: "7200", refresh_token: "r", scope: "read_profile read_workout" },
      1000,
    );
    assert.deepEqual(tokens, {
      accessToken: "a",
      refreshToken: "r",
      expiresAt: 8200,
      tokenType: "Bearer",
      grantedScope: ["read_profile", "read_workout"],
    });
  });
  it("reports a missing scope as unknown, not as nothing granted", () => {
    assert.equal(parseTokenResponse("X", { access_token: "a", token_type: "Bearer" }, 0).grantedScope, null);
  });
  it("refuses a malformed response without echoing it", () => {
    assert.throws(
      () => parseTokenResponse("TrainerDay", { access_token: "", token_type: "mac", refresh_token: "secret-value" }, 0),
      (error: Error) =>
        /TrainerDay sent a token response we cannot use \(access_token, token_type\)/.test(error.message) && !error.message.includes("secret-value"),
    );
    assert.throws(() => parseTokenResponse("X", { access_token: "a", token_type: "Bearer", expires_in: "12abc" }, 0), /expires_in/);
  });
  it("splits scope strings and arrays", () => {
    assert.deepEqual(splitScope(" a  b a "), ["a", "b"]);
    assert.deepEqual(splitScope(["x", "y"]), ["x", "y"]);
  });
});
