import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { createUser, withTestDb } from "./fixtures/db";

// Issue 18 point 2: an athlete who already has an account accepts a coach's invite; coaches see and cancel
// their invite links; joining and invite sign-ups are audited.

async function signedIn(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, password);
  return page;
}

/** Signs `coach` in, creates an invite link on the coach page and resolves to it with the coach's page. */
async function inviteLink(browser: Browser, coach: { email: string; password: string }): Promise<{ page: Page; link: string }> {
  const page = await signedIn(browser, coach.email, coach.password);
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = await page.getByRole("textbox", { name: "Invite link", exact: true }).inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);
  return { page, link };
}

async function auditKinds(userId: string): Promise<string[]> {
  const rows = await withTestDb((db) => db.all<{ kind: string }>("SELECT kind FROM admin_actions WHERE target_user_id = ? ORDER BY id", [userId]));
  return rows.map((r) => r.kind).sort();
}

async function coachesOf(athleteId: string): Promise<string[]> {
  const rows = await withTestDb((db) => db.all<{ coach_id: string }>("SELECT coach_id FROM coach_athletes WHERE athlete_id = ?", [athleteId]));
  return rows.map((r) => r.coach_id).sort();
}

test("a signed-in athlete joins the coach's roster with one button; the coach sees who used the link; it is audited", async ({ browser }) => {
  const coach = await createUser("coach", "joining-coach");
  const athlete = await createUser("athlete", "joining-athlete");
  const { page: coachPage, link } = await inviteLink(browser, coach);

  const athletePage = await signedIn(browser, athlete.email, athlete.password);
  await athletePage.goto(link);
  await expect(athletePage.getByRole("heading", { name: /Join Test joining-coach's roster/ })).toBeVisible();
  await expect(athletePage.getByText("sign out first")).toHaveCount(0);
  await expect(athletePage.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await athletePage.getByRole("button", { name: "Join Test joining-coach's roster" }).click();
  await expect(athletePage.getByText(/You joined Test joining-coach's roster/)).toBeVisible();
  await athletePage.getByRole("link", { name: "Go to your connections" }).click();
  await expect(athletePage).toHaveURL(/\/connections$/);

  expect(await coachesOf(athlete.id)).toEqual([coach.id]);
  expect(await auditKinds(athlete.id)).toEqual(["coach_assigned", "invitation_accepted"]);

  await coachPage.reload();
  await expect(coachPage.getByRole("table")).toContainText("Test joining-athlete");
  const invites = coachPage.getByRole("region", { name: "Your invite links" });
  await expect(invites).toContainText(`by Test joining-athlete (${athlete.email})`);
  await expect(invites.getByRole("button", { name: "Cancel invite" })).toHaveCount(0);

  // The link is single use, also for existing accounts.
  const other = await createUser("athlete", "late-athlete");
  const otherPage = await signedIn(browser, other.email, other.password);
  await otherPage.goto(link);
  await expect(otherPage.getByText("This invite link was already used")).toBeVisible();
  expect(await coachesOf(other.id)).toEqual([]);
});

test("signed out, 'Sign in' carries the invite: after signing in the athlete is back on the invite and joins", async ({ browser }) => {
  const coach = await createUser("coach", "return-coach");
  const athlete = await createUser("athlete", "return-athlete");
  const { link } = await inviteLink(browser, coach);

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(link);
  await visitor.getByRole("link", { name: "Sign in" }).click();
  await expect(visitor).toHaveURL(/\/login\?callbackUrl=%2Finvite%2F/);
  await visitor.getByLabel("Email").fill(athlete.email);
  await visitor.getByLabel("Password").fill(athlete.password);
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor).toHaveURL(new URL(link).pathname);
  await visitor.getByRole("button", { name: "Join Test return-coach's roster" }).click();
  await expect(visitor.getByText(/You joined Test return-coach's roster/)).toBeVisible();
  expect(await coachesOf(athlete.id)).toEqual([coach.id]);
});

test("an invite sign-up appears in the audit log as user created, invite accepted and coach assigned", async ({ browser }) => {
  const coach = await createUser("coach", "audit-coach");
  const { link } = await inviteLink(browser, coach);
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(link);
  const email = `audited-${Date.now()}@test.example`;
  await visitor.getByLabel("Name").fill("Audited Athlete");
  await visitor.getByLabel("Email").fill(email);
  await visitor.getByLabel("Password").fill("audited-password");
  await visitor.getByRole("button", { name: "Create account" }).click();
  await expect(visitor).toHaveURL(/\/connections$/);
  const user = await withTestDb((db) => db.get<{ id: string }>("SELECT id FROM users WHERE email = ?", [email]));
  expect(await auditKinds(user!.id)).toEqual(["coach_assigned", "invitation_accepted", "user_created"]);
});

test("a coach cancels an open invite link after confirming; the link then reads not valid", async ({ browser }) => {
  const coach = await createUser("coach", "cancel-coach");
  const { page, link } = await inviteLink(browser, coach);
  await page.reload();
  const invites = page.getByRole("region", { name: "Your invite links" });
  await expect(invites).toContainText("Open, expires");

  await invites.getByRole("button", { name: "Cancel invite" }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel this invite link?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(dialog).toHaveCount(0);
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(link);
  await expect(visitor.getByRole("button", { name: "Create account" })).toBeVisible();

  await invites.getByRole("button", { name: "Cancel invite" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel invite link" }).click();
  await expect(page.getByText("Invite link cancelled.")).toBeVisible();
  await visitor.reload();
  await expect(visitor.getByRole("heading", { name: "This invite link is not valid" })).toBeVisible();
  const kinds = await withTestDb((db) => db.all<{ kind: string }>("SELECT kind FROM admin_actions WHERE actor_id = ?", [coach.id]));
  expect(kinds.map((k) => k.kind)).toEqual(["invitation_cancelled"]);
});

test("a coach or admin signed in on an invite page is told invites are for athletes and is not offered to join", async ({ browser }) => {
  const coach = await createUser("coach", "role-coach");
  const { link } = await inviteLink(browser, coach);
  const admin = await createUser("admin", "role-admin");
  const page = await signedIn(browser, admin.email, admin.password);
  await page.goto(link);
  await expect(page.getByText(/Invite links put athletes on a roster/)).toBeVisible();
  await expect(page.getByRole("button", { name: /Join .* roster/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("the invite page for a signed-in athlete and the coach's invite list: axe clean, no horizontal overflow at 390 px", async ({ browser }) => {
  const coach = await createUser("coach", "phone-coach");
  const athlete = await createUser("athlete", "phone-athlete");
  const { link } = await inviteLink(browser, coach);
  for (const [who, path] of [
    [athlete, new URL(link).pathname],
    [coach, "/coach"],
  ] as const) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, who.email, who.password);
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} at 390 px`).toBeLessThanOrEqual(0);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
    await context.close();
  }
});
