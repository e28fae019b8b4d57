import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { linkInSandbox } from "./fixtures/connections";
import { createUser, withTestDb } from "./fixtures/db";
import { sandboxTokens, sandboxUsername } from "./fixtures/sandbox";

// Issue 16: an admin selects connections by the list's filters, exports them as CSV, then revokes all of them
// after a confirmation that states the count, watching the progress; one audit entry per connection.

test("an admin exports the filtered connections as CSV and revokes all of them, confirmed with the count, with progress and one audit entry each", async ({
  page,
  browser,
}) => {
  const admin = await createUser("admin", "bulk-admin");
  const athlete = await createUser("athlete", "bulk");
  const athletePage = await (await browser.newContext()).newPage();
  await signIn(athletePage, athlete.email, athlete.password);
  const tdUser = sandboxUsername("td-bulk");
  const enUser = sandboxUsername("en-bulk");
  await linkInSandbox(athletePage, "TrainerDay", tdUser);
  await linkInSandbox(athletePage, "enduco", enUser);
  const ours = async () => (await sandboxTokens()).filter((t) => t.account === tdUser || t.account === enUser);
  expect((await ours()).filter((t) => t.active).length).toBeGreaterThanOrEqual(2);

  await signIn(page, admin.email, admin.password);
  await page.goto(`/admin/connections?athlete=${athlete.id}`);
  const bulk = page.getByRole("region", { name: "Bulk actions" });
  await expect(bulk).toContainText("2 connections match");

  // Export: every matching connection, no token.
  const downloading = page.waitForEvent("download");
  await bulk.getByRole("button", { name: "Export 2 as CSV" }).click();
  const csv = readFileSync((await (await downloading).path())!, "utf8");
  const lines = csv.trim().split(/\r?\n/);
  expect(lines).toHaveLength(3);
  expect(lines.filter((l) => l.includes(athlete.email))).toHaveLength(2);
  for (const token of await sandboxTokens()) expect(csv).not.toContain(token.value);

  // Revoke all: the dialog states the count; progress reaches 2 of 2; both grants end at the services.
  await bulk.getByRole("button", { name: "Revoke all 2…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(/Revoke 2 connections/);
  await expect(dialog).toContainText("Each athlete loses the link and must connect again.");
  await dialog.getByRole("button", { name: "Revoke 2 connections" }).click();
  await expect(page.getByRole("progressbar", { name: "Bulk revoke progress" })).toHaveAttribute("aria-valuenow", "2", { timeout: 20_000 });
  await expect(bulk).toContainText(/Done:/);
  expect((await ours()).filter((t) => t.active)).toEqual([]);

  const actions = await withTestDb((db) => db.all<{ kind: string }>("SELECT kind FROM admin_actions WHERE actor_id = ? ORDER BY id", [admin.id]));
  expect(actions.map((a) => a.kind).sort()).toEqual(["bulk_export", "bulk_revoke", "connection_revoked", "connection_revoked"]);
  await page.reload();
  await expect(bulk).toContainText("Nothing to revoke");
});
