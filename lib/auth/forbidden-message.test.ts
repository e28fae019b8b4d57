import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { forbiddenMessage } from "@/lib/auth/forbidden-message";

describe("forbiddenMessage (issue 18 point 9: a forbidden page says why)", () => {
  it("names the role the page is for and the viewer's own", () => {
    assert.equal(forbiddenMessage(["coach"], "athlete"), "This page is for coaches. You are signed in as an athlete.");
    assert.equal(forbiddenMessage(["admin"], "coach"), "This page is for administrators. You are signed in as a coach.");
    assert.equal(forbiddenMessage(["athlete"], "admin"), "This page is for athletes. You are signed in as an administrator.");
  });
  it("lists several roles in plain words", () => {
    assert.equal(forbiddenMessage(["athlete", "coach"], "admin"), "This page is for athletes and coaches. You are signed in as an administrator.");
    assert.equal(
      forbiddenMessage(["athlete", "coach", "admin"], "coach"),
      "This page is for athletes, coaches and administrators. You are signed in as a coach.",
    );
  });
});
