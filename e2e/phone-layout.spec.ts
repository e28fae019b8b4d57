import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { linkInSandbox } from "./fixtures/connections";
import { createUser, withTestDb } from "./fixtures/db";
import { sandboxUsername } from "./fixtures/sandbox";
import { startWebhookReceiver } from "./fixtures/webhook-receiver";

// Issue 18 point 4: on a 390 × 844 phone no page scrolls sideways; the coach's roster is one card per athlete,
// the admin's Revoke is on screen, and the admin's navigation folds into a Menu button.

const PHONE = { width: 390, height: 844 };
const SERVICES = ["TrainerDay", "enduco", "FitRankings", "ExorLive"];
const ADMIN_LINKS = ["Users", "Connections", "Audit log", "Services", "API", "Webhooks", "System", "Settings"];

type User = Awaited<ReturnType<typeof createUser>>;

/** A fresh 390 × 844 browser context's page, signed in as `user` (or signed out when null). */
async function phone(browser: Browser, user: User | null): Promise<Page> {
  const page = await (await browser.newContext({ viewport: PHONE })).newPage();
  if (user) await signIn(page, user.email, user.password);
  return page;
}

/** Opens `path` and checks the page itself is no wider than the window (a wide table may scroll inside its box). */
async function expectNoSidewaysScroll(page: Page, path: string) {
  if (path) await page.goto(path);
  await expect(page.locator("h1").first()).toBeVisible();
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${path || page.url()} at ${innerWidth} px`).toBeLessThanOrEqual(innerWidth);
}

async function expectAccessible(page: Page, what: string) {
  const serious = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, what).toEqual([]);
}

async function assign(coachId: string, athleteId: string) {
  await withTestDb((db) => db.run("INSERT INTO coach_athletes (coach_id, athlete_id) VALUES (?, ?)", [coachId, athleteId]));
}

/** An athlete (a long name and email, as real ones can be) with TrainerDay linked through the sandbox. */
async function linkedAthlete(browser: Browser, label: string): Promise<User> {
  const athlete = await createUser("athlete", label);
  const page = await phone(browser, athlete);
  await linkInSandbox(page, "TrainerDay", sandboxUsername("td-phone"));
  await page.context().close();
  return athlete;
}

test("no page of any role, nor a public page, scrolls sideways on a 390 px phone", async ({ browser }) => {
  test.setTimeout(180_000); // three sign-ins, a link, an API key, a webhook endpoint and some 25 pages
  const athlete = await linkedAthlete(browser, "phone-athlete-with-a-rather-long-address-for-wrapping");
  const coach = await createUser("coach", "phone-coach-with-a-rather-long-address");
  const admin = await createUser("admin", "phone-admin-with-a-rather-long-address");
  // Every coach is listed on an athlete's admin page: one whose address cannot fit on a phone's line.
  await createUser("coach", "acoachwhoseaddresscannotbreakonaphone");
  await assign(coach.id, athlete.id);

  const athletePage = await phone(browser, athlete);
  for (const path of ["/connections", "/connections/trainerday/history", "/connections/exorlive/history", "/settings"]) {
    await expectNoSidewaysScroll(athletePage, path);
  }
  // Two items fit beside the logo: no Menu button for athletes.
  await expect(athletePage.getByRole("navigation", { name: "Main", exact: true }).getByRole("link", { name: "Settings", exact: true })).toBeVisible();
  await expect(athletePage.getByRole("button", { name: "Menu", exact: true })).toHaveCount(0);

  const coachPage = await phone(browser, coach);
  await coachPage.getByRole("button", { name: "Create invite link" }).click();
  const invite = await coachPage.getByRole("textbox", { name: "Invite link", exact: true }).inputValue();
  for (const path of ["/coach", `/coach/athletes/${athlete.id}`, "/settings"]) {
    await expectNoSidewaysScroll(coachPage, path);
  }

  const adminPage = await phone(browser, admin);
  await adminPage.goto("/admin/api-keys");
  await adminPage.getByLabel("Name").fill("Phone layout pipeline with a long name");
  await adminPage.getByRole("checkbox", { name: /connections:read/ }).check();
  await adminPage.getByRole("button", { name: "Create API key" }).click();
  await adminPage.getByRole("dialog").getByRole("button", { name: "Done" }).click();
  const receiver = await startWebhookReceiver();
  await adminPage.goto("/admin/webhooks");
  await adminPage.getByLabel("Endpoint URL").fill(`${receiver.url}/a/rather/long/path/that/does/not/fit/on/a/phone/screen`);
  await adminPage.getByRole("button", { name: "Add endpoint" }).click();
  await adminPage.getByRole("dialog").getByRole("button", { name: "Done" }).click();
  await adminPage.getByRole("link", { name: /\/a\/rather\/long\/path/ }).click();
  await expect(adminPage).toHaveURL(/\/admin\/webhooks\/[^/]+$/);
  const endpointPath = new URL(adminPage.url()).pathname;
  for (const path of [
    "/admin",
    `/admin/users/${athlete.id}`,
    "/admin/connections",
    `/admin/connections?athlete=${athlete.id}`,
    "/admin/audit",
    `/admin/audit?athlete=${athlete.id}`,
    "/admin/services",
    "/admin/api-keys",
    "/admin/webhooks",
    endpointPath,
    "/admin/system",
    "/settings",
  ]) {
    await expectNoSidewaysScroll(adminPage, path);
  }
  // A table that is still wider than the phone says so, and scrolls inside its own box.
  await adminPage.goto("/admin/audit");
  await expect(adminPage.getByText("Scroll sideways to see every column.")).toBeVisible();
  await expect(adminPage.getByRole("region", { name: "Audit log entries", exact: true })).toBeVisible();
  await receiver.close();

  const visitor = await phone(browser, null);
  for (const path of ["/login", "/forgot-password", new URL(invite).pathname]) {
    await expectNoSidewaysScroll(visitor, path);
  }
});

test("the coach's roster on a phone is one card per athlete with every service; the table is back at 1280 px", async ({ browser }) => {
  const coach = await createUser("coach", "cards-coach");
  const linked = await linkedAthlete(browser, "cards-linked");
  const other = await createUser("athlete", "cards-other");
  await assign(coach.id, linked.id);
  await assign(coach.id, other.id);

  const page = await phone(browser, coach);
  await expect(page).toHaveURL(/\/coach$/);
  const cards = page.getByRole("region", { name: "Athletes", exact: true }).getByRole("listitem");
  await expect(cards).toHaveCount(2);
  await expect(page.getByRole("table")).toHaveCount(0);
  for (const name of ["Test cards-linked", "Test cards-other"]) {
    await expect(page.getByRole("heading", { name, exact: true }).getByRole("link", { name, exact: true })).toBeVisible();
  }
  const card = cards.filter({ has: page.getByRole("heading", { name: "Test cards-linked", exact: true }) });
  await expect(card).toContainText(linked.email);
  for (const service of SERVICES) await expect(card.getByText(service, { exact: true })).toBeVisible();

  // A status's last refresh and verification: on focus, inside the screen.
  await card.locator(".roster-cell").first().focus();
  const tooltip = page.getByRole("tooltip");
  await expect(tooltip).toBeVisible();
  const tip = (await tooltip.boundingBox())!;
  expect(tip.x).toBeGreaterThanOrEqual(0);
  expect(tip.x + tip.width).toBeLessThanOrEqual(PHONE.width);
  await expectNoSidewaysScroll(page, "");
  await page.keyboard.press("Escape");
  await expect(tooltip).toHaveCount(0);
  await expectAccessible(page, "/coach at 390 px");

  await card.getByRole("link", { name: "Test cards-linked", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Test cards-linked");

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/coach");
  const table = page.getByRole("table");
  await expect(table).toBeVisible();
  await expect(table.getByRole("row")).toHaveCount(3);
  await expect(table.getByRole("columnheader", { name: "Athlete" })).toBeVisible();
  for (const service of SERVICES) await expect(table.getByRole("columnheader", { name: service, exact: true })).toBeVisible();
  await expect(table.getByRole("rowheader", { name: /Test cards-linked/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Athletes", exact: true })).toHaveCount(0);
});

test("on a phone the admin's Revoke is on screen and asks for confirmation; the table is back at 1280 px", async ({ browser }) => {
  const athlete = await linkedAthlete(browser, "revoke-phone-athlete");
  const admin = await createUser("admin", "revoke-phone-admin");
  const page = await phone(browser, admin);
  await page.goto(`/admin/connections?athlete=${athlete.id}`);
  await expect(page.getByRole("table")).toHaveCount(0);

  const card = page.getByRole("article", { name: "Test revoke-phone-athlete TrainerDay" });
  await expect(card).toBeVisible();
  await expect(card.getByRole("link", { name: "Test revoke-phone-athlete", exact: true })).toBeVisible();
  const revoke = card.getByRole("button", { name: "Revoke" });
  await expect(revoke).toBeEnabled();
  const box = (await revoke.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  await expectNoSidewaysScroll(page, "");
  await expectAccessible(page, "/admin/connections at 390 px");

  await revoke.click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Revoke TrainerDay for Test revoke-phone-athlete?");
  const panel = (await dialog.boundingBox())!;
  expect(panel.x + panel.width).toBeLessThanOrEqual(PHONE.width);
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(card).toContainText("Connected");

  await page.setViewportSize({ width: 1280, height: 900 });
  await expect(page.getByRole("row", { name: "Test revoke-phone-athlete TrainerDay" }).getByRole("button", { name: "Revoke" })).toBeVisible();
  await expect(card).toBeHidden();
});

test("on a phone the admin's navigation is a Menu button: it opens the links, marks the current page, Escape closes it and focus returns", async ({
  browser,
}) => {
  const admin = await createUser("admin", "menu-admin");
  const page = await phone(browser, admin);
  await page.goto("/admin/connections");
  await expect(page.getByRole("navigation", { name: "Main", exact: true })).toHaveCount(0);
  await expectAccessible(page, "the admin's header at 390 px");

  const menu = page.getByRole("button", { name: "Menu", exact: true });
  await expect(menu).toBeEnabled();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  const header = (await menu.boundingBox())!;
  expect(header.x + header.width).toBeLessThanOrEqual(PHONE.width);
  await menu.click();
  const dialog = page.getByRole("dialog", { name: "Menu" });
  await expect(dialog).toBeVisible();
  const nav = dialog.getByRole("navigation", { name: "Main", exact: true });
  for (const label of ADMIN_LINKS) await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Connections", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Users", exact: true })).not.toHaveAttribute("aria-current", "page");
  await expectNoSidewaysScroll(page, "");

  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(menu).toBeFocused();
  await expect(menu).toHaveAttribute("aria-expanded", "false");

  await menu.click();
  // While the dialog is open Radix hides the rest of the page from assistive technology, the button included.
  await expect(page.getByRole("button", { name: "Menu", exact: true, includeHidden: true })).toHaveAttribute("aria-expanded", "true");
  await dialog.getByRole("link", { name: "Audit log", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(dialog).toHaveCount(0);
  await menu.click();
  await expect(dialog.getByRole("link", { name: "Audit log", exact: true })).toHaveAttribute("aria-current", "page");
  await dialog.getByRole("button", { name: "Close", exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(menu).toBeFocused();

  // From md up the links are in the header again.
  await page.setViewportSize({ width: 1280, height: 900 });
  await expect(page.getByRole("navigation", { name: "Main", exact: true }).getByRole("link", { name: "Audit log", exact: true })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(menu).toBeHidden();
});
