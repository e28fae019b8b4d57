import { expect, test } from "@playwright/test";
import { APP_URL } from "./config";
import { signIn } from "./fixtures/auth";
import { createUser } from "./fixtures/db";

// Issue 16: the API's interactive reference (Scalar) for admins, served from our own origin under the app's
// Content-Security-Policy (next.config.mjs), with no request to any other origin (there is no internet).
test.describe("the API reference", () => {
  test("an admin reads it rendered, with no CSP violation and no request to another origin", async ({ page }) => {
    test.setTimeout(60_000);
    const admin = await createUser("admin");
    const violations: string[] = [];
    const foreign: string[] = [];
    const origin = new URL(APP_URL).origin;
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    page.on("request", (request) => {
      if (/^https?:/.test(request.url()) && new URL(request.url()).origin !== origin) foreign.push(request.url());
    });
    await signIn(page, admin.email, admin.password);
    const response = await page.goto("/api/v1/docs");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "TrainLink API" }).first()).toBeVisible({ timeout: 30_000 });
    // The first tag's operations are listed; Scalar's "Ask AI" (Scalar's servers) is off.
    await expect(page.getByRole("link", { name: /List athletes/ }).first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Ask AI" })).toHaveCount(0);
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
  });

  test("other roles get 403", async ({ page }) => {
    const coach = await createUser("coach");
    await signIn(page, coach.email, coach.password);
    expect((await page.request.get("/api/v1/docs")).status()).toBe(403);
  });
});
