import { createHash } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { APP_URL } from "./config";
import { signIn, signInWithForm } from "./fixtures/auth";
import { createUser, TEST_PASSWORD, withTestDb } from "./fixtures/db";
import { linkIn, mailsTo, waitForMail } from "./fixtures/mail";

// Issue 18 point 1: nobody could recover or change a password. Reset by an emailed single-use link (30 minutes,
// only its SHA-256 stored, the same answer for known and unknown emails), Change password on /settings (current
// password required, other sessions end), the admin's "Send reset link"; all audited.

type User = Awaited<ReturnType<typeof createUser>>;
const NEW_PASSWORD = "a new password for issue 18";
const SUBJECT = "Reset your TrainLink password";

async function signedIn(browser: Browser, user: User, password = user.password): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, user.email, password);
  return page;
}

async function expectNoSeriousAxeViolations(page: Page, what: string) {
  const serious = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, what).toEqual([]);
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(390);
}

const auditKinds = (userId: string) =>
  withTestDb((db) =>
    db.all<{ kind: string; actor_id: string | null }>("SELECT kind, actor_id FROM admin_actions WHERE target_user_id = ? ORDER BY id", [userId]),
  );

test("a person who forgot their password resets it from the sign-in page; the link works once and other sessions end", async ({ browser, page }) => {
  const athlete = await createUser("athlete", "forgot");
  const elsewhere = await signedIn(browser, athlete);

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expectNoSeriousAxeViolations(page, "the forgot-password page");

  // An unknown email gets exactly the same answer, and no mail.
  await page.getByLabel("Email").fill("nobody-here@test.example");
  await page.getByRole("button", { name: "Send reset link" }).click();
  const answer = page.getByRole("status");
  await expect(answer).toContainText("If an account uses that email");
  const unknownAnswer = await answer.textContent();

  await page.getByLabel("Email").fill(athlete.email.toUpperCase());
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toHaveText(unknownAnswer!);

  const mail = await waitForMail(athlete.email, SUBJECT);
  const link = linkIn(mail, `${APP_URL}/reset-password/`);
  const token = new URL(link).pathname.split("/").at(-1)!;
  expect(await mailsTo("nobody-here@test.example")).toEqual([]);

  // Only the SHA-256 of the token is stored, and the link lasts 30 minutes.
  const rows = await withTestDb((db) => db.all<{ token_hash: string }>("SELECT token_hash FROM password_resets WHERE user_id = ?", [athlete.id]));
  expect(rows.map((r) => r.token_hash)).toEqual([createHash("sha256").update(token).digest("hex")]);
  expect(JSON.stringify(rows)).not.toContain(token);

  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  await expect(page.getByText(`For ${athlete.email}`)).toBeVisible();
  await expectNoSeriousAxeViolations(page, "the reset page");

  // A refusal keeps what was typed.
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("New password again").fill("something else entirely");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("The two passwords differ");
  await expect(page.getByLabel("New password", { exact: true })).toHaveValue(NEW_PASSWORD);

  await page.getByLabel("New password again").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("status")).toContainText("Your password is changed");

  // The session opened before the reset has ended; the old password no longer works; the new one does.
  await elsewhere.reload();
  await expect(elsewhere).toHaveURL(/\/login/);
  await elsewhere.getByLabel("Email").fill(athlete.email);
  await elsewhere.getByLabel("Password").fill(TEST_PASSWORD);
  await elsewhere.getByRole("button", { name: "Sign in" }).click();
  await expect(elsewhere.getByRole("main").getByRole("alert")).toContainText("The email or password is incorrect");
  await page.getByRole("link", { name: "Sign in" }).click();
  await signInWithForm(page, athlete.email, NEW_PASSWORD);

  // The link works once.
  await page.goto(link);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("already used");
  await expect(page.getByRole("link", { name: "Ask for a new link" })).toBeVisible();

  expect((await auditKinds(athlete.id)).map((r) => r.kind)).toEqual(["password_reset_requested", "password_reset_completed"]);
});

test("an expired or made-up reset link says so and offers a new one", async ({ page }) => {
  const athlete = await createUser("athlete", "expired-reset");
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(athlete.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  const link = linkIn(await waitForMail(athlete.email, SUBJECT), `${APP_URL}/reset-password/`);
  await withTestDb((db) => db.run("UPDATE password_resets SET expires_at = created_at WHERE user_id = ?", [athlete.id]));
  await page.goto(link);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("expired");
  await page.goto("/reset-password/not-a-real-token");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("not valid");
});

test("a signed-in user changes their password in Settings; the current password is required and other sessions end", async ({ browser }) => {
  const coach = await createUser("coach", "change-password");
  const here = await signedIn(browser, coach);
  const elsewhere = await signedIn(browser, coach);

  await here.goto("/settings");
  const section = here.getByRole("region", { name: "Password" });
  await section.getByLabel("Current password").fill("not my password");
  await section.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await section.getByLabel("New password again").fill(NEW_PASSWORD);
  await section.getByRole("button", { name: "Change password" }).click();
  await expect(section.getByRole("alert")).toHaveText("Your current password is not correct.");
  await expect(section.getByLabel("New password", { exact: true })).toHaveValue(NEW_PASSWORD);

  await section.getByLabel("Current password").fill(TEST_PASSWORD);
  await section.getByRole("button", { name: "Change password" }).click();
  await expect(section.getByRole("status")).toContainText("Your password is changed");
  await expect(section.getByLabel("Current password")).toHaveValue("");
  await expectNoSeriousAxeViolations(here, "the settings page");

  // This session stays; the other one is signed out.
  await here.reload();
  await expect(here).toHaveURL(/\/settings$/);
  await elsewhere.reload();
  await expect(elsewhere).toHaveURL(/\/login/);
  await signInWithForm(elsewhere, coach.email, NEW_PASSWORD);

  expect(await auditKinds(coach.id)).toEqual([{ kind: "password_changed", actor_id: coach.id }]);
});

test("an admin sends a reset link from the user page (confirmed first, audited with the admin as actor)", async ({ browser }) => {
  const admin = await createUser("admin", "reset-admin");
  const athlete = await createUser("athlete", "admin-reset");
  const page = await signedIn(browser, admin);
  await page.goto(`/admin/users/${athlete.id}`);
  await page.getByRole("button", { name: "Send reset link" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(athlete.email);
  await dialog.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "is on its way" })).toBeVisible();

  const mail = await waitForMail(athlete.email, SUBJECT);
  expect(mail.text).toContain("An administrator of TrainLink sent you a link");
  const link = linkIn(mail, `${APP_URL}/reset-password/`);
  expect(await page.content(), "the admin never sees the link").not.toContain(link);
  expect(await auditKinds(athlete.id)).toEqual([{ kind: "password_reset_sent", actor_id: admin.id }]);

  const athletePage = await (await browser.newContext()).newPage();
  await athletePage.goto(link);
  await athletePage.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await athletePage.getByLabel("New password again").fill(NEW_PASSWORD);
  await athletePage.getByRole("button", { name: "Set new password" }).click();
  await expect(athletePage.getByRole("status")).toContainText("Your password is changed");
  await signInWithForm(athletePage, athlete.email, NEW_PASSWORD);
});

test("on a 390 px phone the forgot, reset and settings password pages do not scroll sideways", async ({ browser }) => {
  const athlete = await createUser("athlete", "reset-phone");
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await page.goto("/login");
  await expectNoSideways(page, "/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expectNoSideways(page, "/forgot-password");
  // Type once the form is live (its button is enabled after hydration), as on a slow phone.
  await expect(page.getByRole("button", { name: "Send reset link" })).toBeEnabled();
  await page.getByLabel("Email").fill(athlete.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("a link to choose a new password");
  await page.goto(linkIn(await waitForMail(athlete.email, SUBJECT), `${APP_URL}/reset-password/`));
  await expectNoSideways(page, "/reset-password");
  await signIn(page, athlete.email, athlete.password);
  await page.goto("/settings");
  await expectNoSideways(page, "/settings");

  async function expectNoSideways(p: Page, what: string) {
    await expect(p.locator("h1")).toBeVisible();
    await expectNoSidewaysScroll(p, what);
  }
});
