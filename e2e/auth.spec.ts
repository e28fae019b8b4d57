import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { signIn, signInWithForm } from "./fixtures/auth";
import { createUser } from "./fixtures/db";

test("a wrong password and an unknown email get the same message", async ({ page }) => {
  const athlete = await createUser("athlete");
  const messages: string[] = [];
  for (const [email, password] of [
    [athlete.email, "wrong password"],
    ["nobody-here@test.example", "wrong password"],
  ] as const) {
    await page.goto("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("main").getByRole("alert");
    await expect(alert).toBeVisible();
    messages.push((await alert.textContent()) ?? "");
    await expect(page).toHaveURL(/\/login/);
  }
  expect(messages[0]).toContain("The email or password is incorrect");
  expect(messages[1]).toBe(messages[0]);
});

test("pages send anonymous visitors to sign in and tell other roles why they may not see them", async ({ page }) => {
  await page.goto("/connections");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fconnections$/);
  await signInWithForm(page, "coach@example.com", "demo1234");
  await expect(page).toHaveURL(/\/coach$/);
  const response = await page.goto("/connections");
  expect(response?.status()).toBe(403);
  await expect(page).toHaveURL(/\/connections$/);
  await expect(page.getByRole("heading", { name: "You cannot open this page" })).toBeVisible();
  await expect(page.getByText("This page is for athletes. You are signed in as a coach.")).toBeVisible();
  await page.getByRole("link", { name: "Go to your home page" }).click();
  await expect(page).toHaveURL(/\/coach$/);
  await expect(page.getByRole("row", { name: /Avery Athlete/ })).toBeVisible();
});

test("an anonymous visitor cannot start or finish a link", async ({ page, request }) => {
  const start = await request.post("/api/auth/signin/trainerday", { form: { callbackUrl: "/connections" }, maxRedirects: 0 });
  expect(start.status()).toBe(303);
  expect(start.headers().location).toMatch(/\/login$/);
  await page.goto("/api/auth/callback/trainerday?code=x&state=y");
  await expect(page).toHaveURL(/\/login$/);
});

test("sign out ends the session, on the server too: a copy of its cookie is refused afterwards", async ({ page, browser }) => {
  const athlete = await createUser("athlete");
  await signIn(page, athlete.email, athlete.password);
  const copied = await page.context().storageState();
  expect(copied.cookies.some((c) => c.name.endsWith("next-auth.session-token"))).toBe(true);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/connections");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fconnections$/);

  const thief = await (await browser.newContext({ storageState: copied })).newPage();
  await thief.goto("/connections");
  await expect(thief).toHaveURL(/\/login$/);
  // Another session of the same user (another device) is not affected.
  const other = await browser.newPage();
  await signIn(other, athlete.email, athlete.password);
  await expect(other).toHaveURL(/\/connections$/);
});

test("the login and connections pages have no detectable accessibility violations", async ({ page }) => {
  await page.goto("/login");
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  const athlete = await createUser("athlete");
  await signInWithForm(page, athlete.email, athlete.password);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
