import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { accountsOf, createUser, TEST_PASSWORD, withTestDb } from "./fixtures/db";
import { sandboxUsername } from "./fixtures/sandbox";

const card = (page: Page, name: string) => page.getByRole("region", { name });

async function signedIn(browser: Browser, email: string, password: string) {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, password);
  return page;
}

test("the admin revokes a connection; the athlete sees it disconnected with the admin named in the history", async ({ browser }) => {
  const athlete = await createUser("athlete", "revoke-me");
  const athletePage = await signedIn(browser, athlete.email, athlete.password);
  await card(athletePage, "TrainerDay").getByRole("button", { name: "Connect" }).click();
  await athletePage.getByLabel("Username").fill(sandboxUsername("td-admin"));
  await athletePage.getByRole("button", { name: "Approve" }).click();
  await expect(card(athletePage, "TrainerDay")).toContainText("Connected");

  const admin = await signedIn(browser, "admin@example.com", "demo1234");
  await admin.goto(`/admin/connections?athlete=${athlete.id}`);
  const row = admin.getByRole("row", { name: "Test revoke-me TrainerDay" });
  await expect(row).toContainText("Connected");
  await row.getByRole("button", { name: "Revoke" }).click();
  const dialog = admin.getByRole("dialog");
  await expect(dialog).toContainText("Revoke TrainerDay for Test revoke-me?");
  await dialog.getByLabel("Reason (shown to Test revoke-me)").fill("Testing the admin's revoke.");
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "connection was revoked" })).toBeVisible();
  expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "disconnected", access_token: null });

  await athletePage.reload();
  await expect(card(athletePage, "TrainerDay")).toContainText("Not connected");
  await card(athletePage, "TrainerDay").getByRole("link", { name: "History of TrainerDay" }).click();
  await expect(athletePage.getByRole("list", { name: "TrainerDay history" }).getByRole("listitem").first()).toContainText("Disconnected");
  await expect(athletePage.getByRole("list", { name: "TrainerDay history" }).getByRole("listitem").first()).toContainText("Alex Admin");

  await admin.goto(`/admin/audit?athlete=${athlete.id}&kind=connection_revoked`);
  await expect(admin.getByRole("table")).toContainText("Connection revoked by admin");
  await expect(admin.getByRole("table")).toContainText("Alex Admin");
});

test("a disabled user's open session is refused at the next request, and enabling restores access", async ({ browser }) => {
  const athlete = await createUser("athlete", "to-disable");
  const athletePage = await signedIn(browser, athlete.email, athlete.password);
  await expect(athletePage).toHaveURL(/\/connections$/);

  const admin = await signedIn(browser, "admin@example.com", "demo1234");
  await admin.goto(`/admin/users/${athlete.id}`);
  await admin.getByRole("button", { name: "Disable user" }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "Disable user" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "is disabled" })).toBeVisible();

  await athletePage.reload();
  await expect(athletePage).toHaveURL(/\/login$/);
  await athletePage.getByLabel("Email").fill(athlete.email);
  await athletePage.getByLabel("Password").fill(TEST_PASSWORD);
  await athletePage.getByRole("button", { name: "Sign in" }).click();
  await expect(athletePage.getByRole("alert").filter({ hasText: "incorrect" })).toBeVisible();

  await admin.reload();
  await admin.getByRole("button", { name: "Enable user" }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "Enable user" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "can sign in again" })).toBeVisible();
  await signIn(athletePage, athlete.email, athlete.password);
  await expect(athletePage).toHaveURL(/\/connections$/);
});

test("the admin creates a coach, assigns an athlete to two coaches, changes a role, and the audit log records each", async ({ page }) => {
  const athlete = await createUser("athlete", "assignee");
  await signIn(page, "admin@example.com", "demo1234");
  const email = `coach-${Date.now()}@test.example`;
  await page.getByLabel("Name", { exact: true }).fill("Second Coach");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("coach");
  await page.getByLabel("Initial password").fill("coachpass123");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status").filter({ hasText: "can now sign in as coach" })).toBeVisible();

  await page.getByLabel("Search users").fill("assignee");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Test assignee" }).click();
  await page.getByLabel(/Casey Coach/).check();
  await page.getByLabel(/Second Coach/).check();
  await page.getByRole("button", { name: "Save coaches" }).click();
  await expect(page.getByRole("status").filter({ hasText: "now has 2 coaches" })).toBeVisible();
  const coaches = (await withTestDb((db) => db.get<{ n: number }>("SELECT count(*) AS n FROM coach_athletes WHERE athlete_id = ?", [athlete.id])))!;
  expect(coaches.n).toBe(2);

  await page.getByLabel("Role", { exact: true }).selectOption("coach");
  await page.getByRole("button", { name: "Change role" }).click();
  await page.getByRole("dialog", { name: "Make Test assignee a coach?" }).getByRole("button", { name: "Make coach" }).click();
  await expect(page.getByRole("status").filter({ hasText: "is now coach" })).toBeVisible();

  await page.goto(`/admin/audit?athlete=${athlete.id}`);
  const table = page.getByRole("table");
  await expect(table).toContainText("Role changed");
  await expect(table).toContainText("athlete → coach");
  await expect(table.getByRole("row").filter({ hasText: "Coach assigned" })).toHaveCount(2);
  const exported = await page.request.get(`/admin/audit/export?athlete=${athlete.id}`);
  expect(exported.headers()["content-type"]).toContain("text/csv");
  const csv = await exported.text();
  expect(csv.split(/\r?\n/)[0]).toBe('"Time (UTC)","Kind","What","Who","Athlete or user","Service","Detail"');
  expect(csv).toContain("role_changed");
});
