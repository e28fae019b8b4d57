import assert from "node:assert/strict";
import { it } from "node:test";
import { ROLES } from "@/db/enums";
import { currentNavHref, NAV, PHONE_INLINE_NAV_MAX } from "@/lib/navigation";

it("the current item is the longest href holding the path: the page itself or a page under it", () => {
  const admin = NAV.admin;
  assert.equal(currentNavHref(admin, "/admin"), "/admin");
  assert.equal(currentNavHref(admin, "/admin/users/u-1"), "/admin");
  assert.equal(currentNavHref(admin, "/admin/connections"), "/admin/connections");
  assert.equal(currentNavHref(admin, "/admin/webhooks/w-1"), "/admin/webhooks");
  assert.equal(currentNavHref(admin, "/settings"), "/settings");
  assert.equal(currentNavHref(NAV.coach, "/coach/athletes/a-1"), "/coach");
});

it("a path that only shares a prefix with an href is not under it, and an unknown path has no current item", () => {
  assert.equal(currentNavHref(NAV.admin, "/administrators"), undefined);
  assert.equal(currentNavHref(NAV.athlete, "/connections-old"), undefined);
  assert.equal(currentNavHref(NAV.athlete, "/coach"), undefined);
  assert.equal(currentNavHref([], "/"), undefined);
});

it("every role reaches Settings; only the admin's navigation is long enough to collapse into Menu on a phone", () => {
  for (const role of ROLES)
    assert.ok(
      NAV[role].some((item) => item.href === "/settings"),
      role,
    );
  assert.deepEqual(
    ROLES.filter((role) => NAV[role].length > PHONE_INLINE_NAV_MAX),
    ["admin"],
  );
});
