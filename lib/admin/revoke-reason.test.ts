import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detailWithReason, reasonFromDetail, REVOKE_REASON_MAX, revokeReasonSchema } from "@/lib/admin/revoke-reason";

describe("an administrator's revoke reason", () => {
  it("is required, trimmed and at most 500 characters", () => {
    assert.equal(revokeReasonSchema.safeParse("").success, false);
    assert.equal(revokeReasonSchema.safeParse("   ").success, false);
    assert.equal(revokeReasonSchema.safeParse(undefined).success, false);
    assert.equal(revokeReasonSchema.parse("  Shared account  "), "Shared account");
    assert.equal(revokeReasonSchema.safeParse("x".repeat(REVOKE_REASON_MAX)).success, true);
    const tooLong = revokeReasonSchema.safeParse("x".repeat(REVOKE_REASON_MAX + 1));
    assert.equal(tooLong.success, false);
    assert.match(tooLong.error?.issues[0]?.message ?? "", /500 characters or fewer/);
  });

  it("is read back exactly from the admin action's detail, even when it contains the separator; none when not given", () => {
    const reason = "Shared; reason: twice <b>bold</b>";
    assert.equal(reasonFromDetail(detailWithReason("revoked at the service", reason)), reason);
    assert.equal(detailWithReason("revoked at the service", null), "revoked at the service");
    assert.equal(reasonFromDetail("revoked at the service"), null);
    assert.equal(reasonFromDetail(null), null);
  });
});
