import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { can, PERMISSIONS } from "@/lib/authz";
import { connectionStatus, NEEDS_ATTENTION, type StatusRow } from "@/lib/connections/status";

const NOW = 1_800_000_000_000;
const live = (over: Partial<StatusRow> = {}): StatusRow => ({
  provider: "trainerday",
  state: "connected",
  accessToken: "v1.k.iv.ct.tag",
  expiresAt: NOW / 1000 + 3600,
  failureCount: 0,
  scope: "athlete:read calendar:read workout:read",
  ...over,
});

describe("connectionStatus", () => {
  it("is connected for a live row whose token is valid beyond the margin, or never expires", () => {
    assert.equal(connectionStatus(live(), true, NOW), "connected");
    assert.equal(connectionStatus(live({ expiresAt: null }), true, NOW), "connected");
    assert.equal(connectionStatus(live(), false, NOW), "connected");
  });
  it("is expiring within the margin (default 5 minutes), including after expiry", () => {
    assert.equal(connectionStatus(live({ expiresAt: NOW / 1000 + 301 }), true, NOW), "connected");
    assert.equal(connectionStatus(live({ expiresAt: NOW / 1000 + 300 }), true, NOW), "expiring");
    assert.equal(connectionStatus(live({ expiresAt: NOW / 1000 - 10 }), true, NOW), "expiring");
    assert.equal(connectionStatus(live({ expiresAt: NOW / 1000 + 100 }), true, NOW, 60), "connected");
  });
  it("reports transient refresh failures before expiry", () => {
    assert.equal(connectionStatus(live({ failureCount: 2, expiresAt: NOW / 1000 + 60 }), true, NOW), "refresh_failing");
  });
  it("is missing_permissions when the granted scope lacks a required scope, below refresh failures and above expiry", () => {
    assert.equal(connectionStatus(live({ scope: "athlete:read calendar:read" }), true, NOW), "missing_permissions");
    assert.equal(connectionStatus(live({ scope: null }), true, NOW), "missing_permissions");
    assert.equal(connectionStatus(live({ scope: "athlete:read Calendar:read workout:read" }), true, NOW), "missing_permissions", "case-sensitive");
    assert.equal(connectionStatus(live({ scope: "athlete:read calendar:read", expiresAt: NOW / 1000 + 10 }), true, NOW), "missing_permissions");
    assert.equal(connectionStatus(live({ scope: "athlete:read", failureCount: 1 }), true, NOW), "refresh_failing");
    assert.equal(connectionStatus(live({ scope: "", state: "needs_reauth" }), true, NOW), "needs_reauth");
    // Granted beyond what is required, in any order: fine. Optional scopes (enduco's workouts_write) may be missing.
    assert.equal(connectionStatus(live({ scope: "workout:read calendar:write calendar:read athlete:read" }), true, NOW), "connected");
    assert.equal(connectionStatus(live({ provider: "enduco", scope: "user_read plans_read" }), true, NOW), "connected");
    assert.equal(connectionStatus(live({ provider: "enduco", scope: "user_read plansXread workouts_write" }), true, NOW), "missing_permissions");
    // FitRankings has no scopes: nothing is ever missing.
    assert.equal(connectionStatus(live({ provider: "fitrankings", scope: "", expiresAt: null }), true, NOW), "connected");
    assert.ok(NEEDS_ATTENTION.has("missing_permissions"));
  });
  it("passes stored lifecycle states through", () => {
    for (const state of ["needs_reauth", "revocation_pending", "revoked_by_service"] as const) {
      assert.equal(connectionStatus(live({ state }), true, NOW), state);
    }
  });
  it("says not connected / not configured without a live row", () => {
    assert.equal(connectionStatus(undefined, true, NOW), "not_connected");
    assert.equal(connectionStatus(undefined, false, NOW), "not_configured");
    assert.equal(connectionStatus(live({ state: "disconnected", accessToken: null }), true, NOW), "not_connected");
    assert.equal(connectionStatus(live({ state: "disconnected", accessToken: null }), false, NOW), "not_configured");
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
      assert.equal(can({ role }, "audit.read"), role === "admin");
      assert.equal(can({ role }, "invitations.create"), role === "coach");
      assert.equal(can({ role }, "invitations.accept"), role === "athlete");
      assert.equal(can({ role }, "settings.update"), true, "everyone changes their own settings");
      assert.equal(can({ role }, "reconnect_requests.create"), role !== "athlete");
      assert.equal(can({ role }, "api_keys.manage"), role === "admin");
      assert.equal(can({ role }, "webhooks.manage"), role === "admin");
      assert.equal(can({ role }, "system.read"), role === "admin");
      assert.equal(can({ role }, "exorlive_requests.create"), role !== "admin", "athletes for themselves, coaches for their roster");
    }
    assert.deepEqual(Object.keys(PERMISSIONS).sort(), [
      "api_keys.manage",
      "audit.read",
      "connections.link_for_athlete",
      "connections.manage_own",
      "connections.revoke_any",
      "credentials.manage",
      "exorlive_requests.create",
      "invitations.accept",
      "invitations.create",
      "reconnect_requests.create",
      "roster.read",
      "settings.update",
      "system.read",
      "users.manage",
      "webhooks.manage",
    ]);
  });
});
