import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { createUser, withTestDb } from "./fixtures/db";
import { sandboxUsername, setSandboxMode } from "./fixtures/sandbox";

async function signedIn(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, password);
  return page;
}

async function assign(coachId: string, athleteId: string) {
  await withTestDb((db) => db.run("INSERT INTO coach_athletes (coach_id, athlete_id) VALUES (?, ?)", [coachId, athleteId]));
}

test.afterEach(async () => {
  await setSandboxMode("trainerday", "normal");
});

test("a coach sees exactly their athletes, the right statuses after a service failure, and Needs attention filters them", async ({ browser }) => {
  const coach = await createUser("coach", "roster-coach");
  const otherCoach = await createUser("coach", "other-coach");
  const fine = await createUser("athlete", "fine-athlete");
  const failing = await createUser("athlete", "failing-athlete");
  const stranger = await createUser("athlete", "stranger-athlete");
  await assign(coach.id, fine.id);
  await assign(coach.id, failing.id);
  await assign(otherCoach.id, stranger.id);

  for (const athlete of [fine, failing]) {
    const page = await signedIn(browser, athlete.email, athlete.password);
    await page.getByRole("region", { name: "TrainerDay" }).getByRole("button", { name: "Connect" }).click();
    await page.getByLabel("Username").fill(sandboxUsername("td-roster"));
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByRole("region", { name: "TrainerDay" })).toContainText("Connected");
    if (athlete === failing) {
      await setSandboxMode("trainerday", "refresh_invalid_grant");
      await page.getByRole("region", { name: "TrainerDay" }).getByRole("button", { name: "Refresh" }).click();
      await expect(page.getByRole("region", { name: "TrainerDay" })).toContainText("Needs reconnect");
      await setSandboxMode("trainerday", "normal");
    }
  }

  const page = await signedIn(browser, coach.email, coach.password);
  await expect(page).toHaveURL(/\/coach$/);
  const table = page.getByRole("table");
  await expect(table.getByRole("row")).toHaveCount(3);
  await expect(table).not.toContainText("stranger-athlete");
  const fineRow = table.getByRole("row", { name: /fine-athlete/ });
  const failingRow = table.getByRole("row", { name: /failing-athlete/ });
  await expect(fineRow).toContainText("Connected");
  await expect(failingRow).toContainText("Needs reconnect");
  await expect(page.getByText("1 athlete needs attention")).toBeVisible();

  // The last refresh and verification show on keyboard focus and on hover, one tooltip at a time, and Escape
  // dismisses it. Linking verified the fine athlete's TrainerDay connection.
  const fineTrainerDay = fineRow.getByRole("cell").nth(0).locator(".roster-cell");
  await expect(page.getByRole("tooltip")).toHaveCount(0);
  await fineTrainerDay.focus();
  await expect(page.getByRole("tooltip")).toHaveText(
    /^(Last refreshed \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d [A-Z][\w+:-]*|Never refreshed) · Last verified \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d [A-Z][\w+:-]*$/,
  );
  await expect(fineTrainerDay).toHaveAccessibleDescription(/^(Last refreshed .*|Never refreshed) · Last verified /);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("tooltip")).toHaveCount(0);
  await failingRow.getByRole("cell").nth(1).locator(".roster-cell").hover();
  await expect(page.getByRole("tooltip")).toHaveText("Never refreshed · Never verified");

  await page.getByLabel("Needs attention", { exact: true }).check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText("failing-athlete");
  await expect(table).not.toContainText("fine-athlete");

  const csv = await (await page.request.get("/coach/export?attention=1")).text();
  expect(csv).toContain("failing-athlete");
  expect(csv).not.toContain("fine-athlete");
  expect(csv).not.toContain("stranger-athlete");
  expect(csv).not.toMatch(/sbx-|v1\./);

  await failingRow.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("failing-athlete");
  const trainerday = page.getByRole("region", { name: "TrainerDay" });
  await expect(trainerday).toContainText("Needs reconnect");
  await expect(trainerday).toContainText("athlete:read");
  expect(await page.content()).not.toMatch(/sbx-td-|v1\.[0-9a-f]{8}\./);
  expect((await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  const forbidden = await page.request.get(`/coach/athletes/${stranger.id}`);
  expect(forbidden.status()).toBe(404);
});

test("the summary says what is true: no broken connections, and how many are not linked yet", async ({ browser }) => {
  const coach = await createUser("coach", "summary-coach");
  const athlete = await createUser("athlete", "summary-athlete");
  await assign(coach.id, athlete.id);
  const athletePage = await signedIn(browser, athlete.email, athlete.password);
  await athletePage.getByRole("region", { name: "TrainerDay" }).getByRole("button", { name: "Connect" }).click();
  await athletePage.getByLabel("Username").fill(sandboxUsername("td-summary"));
  await athletePage.getByRole("button", { name: "Approve" }).click();
  await expect(athletePage.getByRole("region", { name: "TrainerDay" })).toContainText("Connected");

  const page = await signedIn(browser, coach.email, coach.password);
  const summary = page.getByRole("region", { name: "Summary" });
  await expect(summary).toContainText("No broken connections · 3 connections not linked yet");
  await expect(summary).not.toContainText(/fine|working/);
});

test("an invite link signs up an athlete onto the coach's roster, and a second use is refused", async ({ browser }) => {
  const coach = await createUser("coach", "inviting-coach");
  const page = await signedIn(browser, coach.email, coach.password);
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = await page.getByRole("textbox", { name: "Invite link", exact: true }).inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(link);
  await expect(visitor.getByRole("heading", { name: /Join Test inviting-coach's roster/ })).toBeVisible();
  const email = `invited-${Date.now()}@test.example`;
  await visitor.getByLabel("Name").fill("Invited Athlete");
  await visitor.getByLabel("Email").fill(email);
  await visitor.getByLabel("Password").fill("invited-password");
  await visitor.getByRole("button", { name: "Create account" }).click();
  await expect(visitor).toHaveURL(/\/connections$/);
  await expect(visitor.getByRole("heading", { name: "Connections" })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("table")).toContainText("Invited Athlete");

  const second = await (await browser.newContext()).newPage();
  await second.goto(link);
  await expect(second.getByText("This invite link was already used")).toBeVisible();
  await expect(second.getByRole("button", { name: "Create account" })).toHaveCount(0);
});

test("coach and admin pages have no serious or critical accessibility violations", async ({ browser }) => {
  test.slow(); // five pages, each analysed by axe
  for (const [email, paths] of [
    ["coach@example.com", ["/coach"]],
    ["admin@example.com", ["/admin", "/admin/connections", "/admin/audit", "/admin/services"]],
  ] as const) {
    const page = await signedIn(browser, email, "demo1234");
    for (const path of paths) {
      await page.goto(path);
      const serious = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious, path).toEqual([]);
    }
  }
});
