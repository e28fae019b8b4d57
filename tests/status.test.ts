import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { can, PERMISSIONS } from "@/lib/authz";
import { connectionStatus } from "@/lib/connections/status";

describe("connectionStatus", () => {
  it("is connected only with a live row holding a sealed access token", () => {
    assert.equal(connectionStatus({ state: "connected", accessToken: "v1.k.iv.ct.tag" }, true), "connected");
    assert.equal(connectionStatus({ state: "connected", accessToken: "v1.k.iv.ct.tag" }, false), "connected");
    assert.equal(connectionStatus({ state: "disconnected", accessToken: null }, true), "not_connected");
    assert.equal(connectionStatus({ state: "connected", accessToken: null }, true), "not_connected");
  });
  it("says not configured for a service without credentials and no connection", () => {
    assert.equal(connectionStatus(undefined, false), "not_configured");
    assert.equal(connectionStatus({ state: "disconnected", accessToken: null }, false), "not_configured");
    assert.equal(connectionStatus(undefined, true), "not_connected");
  });
});

describe("permissions", () => {
  it("lets only athletes manage their own connections", () => {
    assert.equal(can({ role: "athlete" }, "connections.manage_own"), true);
    assert.equal(can({ role: "coach" }, "connections.manage_own"), false);
    assert.equal(can({ role: "admin" }, "connections.manage_own"), false);
    assert.equal(can(null, "connections.manage_own"), false);
  });
  it("gives roster reading to coaches and user management to admins only", () => {
    for (const role of ["athlete", "coach", "admin"] as const) {
      assert.equal(can({ role }, "roster.read"), role === "coach");
      assert.equal(can({ role }, "users.manage"), role === "admin");
      assert.equal(can({ role }, "connections.revoke_any"), role === "admin");
      assert.equal(can({ role }, "connections.link_for_athlete"), role === "admin");
      assert.equal(can({ role }, "credentials.manage"), role === "admin");
    }
    assert.deepEqual(Object.keys(PERMISSIONS).sort(), ["connections.link_for_athlete", "connections.manage_own", "connections.revoke_any", "credentials.manage", "roster.read", "users.manage"]);
  });
});
