import { expect, test, type Page } from "@playwright/test";
import { APP_URL } from "./config";
import { withTestDb } from "./fixtures/db";

/**
 * Issue 18 point 5: a signed-out visitor who opens a page of a signed-in section is sent to sign in and, after
 * signing in through the form, lands on that page (path and query kept). Only our own paths survive
 * (docs/SECURITY.md row 4): hostile callbackUrl values land on the role's home page.
 */

async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a coach who opens an athlete's page while signed out lands on it after signing in", async ({ page }) => {
  const athlete = await withTestDb((db) => db.get<{ id: string }>("SELECT id FROM users WHERE email = ?", ["athlete@example.com"]));
  expect(athlete?.id).toBeTruthy();
  await page.goto(`/coach/athletes/${athlete!.id}`);
  await expect(page).toHaveURL(`${APP_URL}/login?callbackUrl=${encodeURIComponent(`/coach/athletes/${athlete!.id}`)}`);
  await fillSignIn(page, "coach@example.com", "demo1234");
  await expect(page).toHaveURL(`${APP_URL}/coach/athletes/${athlete!.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Avery Athlete" })).toBeVisible();
});

test("an admin who opens a filtered audit log while signed out lands on the same filters after signing in", async ({ page }) => {
  const requested = "/admin/audit?kind=user_created";
  await page.goto(requested);
  await expect(page).toHaveURL(`${APP_URL}/login?callbackUrl=${encodeURIComponent(requested)}`);
  await fillSignIn(page, "admin@example.com", "demo1234");
  await expect(page).toHaveURL(`${APP_URL}${requested}`);
  await expect(page.getByLabel("Kind", { exact: true })).toHaveValue("user_created");
});

test("a failed sign-in keeps the requested page for the next attempt", async ({ page }) => {
  await page.goto("/admin/audit?kind=user_created");
  await fillSignIn(page, "admin@example.com", "not the password");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("incorrect");
  await page.getByLabel("Password").fill("demo1234");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${APP_URL}/admin/audit?kind=user_created`);
});

test("hostile callbackUrl values land on our own page (SECURITY.md row 4)", async ({ browser }) => {
  for (const evil of ["//evil.example", "/\\evil.example", "javascript:alert(1)", "https://evil.example/coach", "/coach/../api/auth/signout"]) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`/login?${new URLSearchParams({ callbackUrl: evil })}`);
    await fillSignIn(page, "coach@example.com", "demo1234");
    await expect(page, evil).toHaveURL(`${APP_URL}/coach`);
    await page.context().close();
  }
});

test("a page for another role says why after signing in, with a link home", async ({ page }) => {
  await page.goto("/admin/system");
  await expect(page).toHaveURL(`${APP_URL}/login?callbackUrl=%2Fadmin%2Fsystem`);
  await fillSignIn(page, "coach@example.com", "demo1234");
  await expect(page).toHaveURL(`${APP_URL}/admin/system`);
  await expect(page.getByRole("heading", { name: "You cannot open this page" })).toBeVisible();
  await expect(page.getByText("This page is for administrators. You are signed in as a coach.")).toBeVisible();
  await page.getByRole("link", { name: "Go to your home page" }).click();
  await expect(page).toHaveURL(`${APP_URL}/coach`);
});
