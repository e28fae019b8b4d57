import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { card, linkInSandbox } from "./fixtures/connections";
import { createUser } from "./fixtures/db";
import { sandboxUsername, setSandboxMode } from "./fixtures/sandbox";

test.afterEach(async () => {
  await setSandboxMode("enduco", "normal");
});

/** The numbers of the hidden table's row for the UTC hour holding `at` (opens "Show as table" first). */
async function hourRow(service: Locator, at: Date): Promise<number[]> {
  await service.getByText("Show as table").click();
  const hour = `${String(at.getUTCHours()).padStart(2, "0")}:00`;
  const row = service.getByRole("row").filter({ has: service.page().getByRole("rowheader", { name: hour, exact: true }) });
  await expect(row).toHaveCount(1);
  return (await row.getByRole("cell").allInnerTexts()).map((text) => Number(text.replace(/,/g, "")));
}

test("an admin sees a service's bad hour on the System page after the sandbox fails its refreshes", async ({ page, browser }) => {
  const athlete = await createUser("athlete", "system-athlete");
  await signIn(page, athlete.email, athlete.password);
  await linkInSandbox(page, "enduco", sandboxUsername("en-system"));
  const enduco = card(page, "enduco");
  await setSandboxMode("enduco", "token_503");
  const failedAt = new Date();
  await enduco.getByRole("button", { name: "Refresh" }).click();
  await expect(enduco.getByRole("alert")).toContainText("Refreshing enduco did not work.");

  const admin = await (await browser.newContext()).newPage();
  const operator = await createUser("admin", "system-admin");
  await signIn(admin, operator.email, operator.password);
  await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "System" }).click();
  await expect(admin).toHaveURL(/\/admin\/system$/);
  await expect(admin.getByRole("heading", { level: 1, name: "System" })).toBeVisible();
  await expect(admin.getByRole("region", { name: "Background refresher" })).toContainText(/Up to date|connections? due/);

  const section = admin.getByRole("region", { name: "enduco", exact: true });
  await expect(section).toContainText("Failures in 24 h");
  await expect(section).toContainText("enduco is unavailable (HTTP 503)");
  await expect(section.getByRole("img", { name: /^enduco refreshes per hour, last 24 hours: .*[1-9]\d* service failures?/ })).toBeVisible();
  // Columns: Succeeded, Service failed, Our credentials refused, Athlete must reconnect.
  const [, serviceFailed, credentialsRefused, reconnect] = await hourRow(section, failedAt);
  expect(serviceFailed).toBeGreaterThan(0);
  expect(credentialsRefused).toBe(0);
  expect(reconnect).toBe(0);

  const serious = (await new AxeBuilder({ page: admin }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious).toEqual([]);

  await admin.setViewportSize({ width: 390, height: 844 });
  await admin.reload();
  expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  for (const show of await admin.getByText("Show as table").all()) await show.click();
  expect(await admin.evaluate(() => document.documentElement.scrollWidth), "with every table open").toBeLessThanOrEqual(390);
  const openSerious = (await new AxeBuilder({ page: admin }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(openSerious).toEqual([]);
});
