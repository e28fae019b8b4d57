import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseTokenResponse } from "@/lib/integrations/tokens";

describe("ExorLive token responses (exorlive.txt)", () => {
  it("parses the documented shape: string expires_in, lower-case bearer", () => {
    const tokens = parseTokenResponse(
      "ExorLive",
      {
        access_token: "AAEAAByQvXG9ToTIGqv",
        token_type: "bearer",
        expires_in: "7200",
        refresh_token: "fYz1!IAAAAPU6P",
        scope: "read_profile read_workout create_session",
      },
      1_700_000_000,
    );
    assert.equal(tokens.expiresAt, 1_700_007_200);
    assert.equal(tokens.tokenType, "Bearer");
    assert.deepEqual(tokens.grantedScope, ["read_profile", "read_workout", "create_session"]);
  });

  it("refuses a response without access_token, naming the field", () => {
    assert.throws(
      () => parseTokenResponse("ExorLive", { token_type: "bearer", expires_in: "7200", refresh_token: "r" }, 0),
      /ExorLive sent a token response we cannot use \(access_token\)/,
    );
  });

  it("refuses a non-numeric expires_in, naming the field", () => {
    assert.throws(
      () => parseTokenResponse("ExorLive", { access_token: "a", token_type: "bearer", expires_in: "two hours" }, 0),
      /ExorLive sent a token response we cannot use \(expires_in\)/,
    );
  });
});
