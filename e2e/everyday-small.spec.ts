import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { card, linkInSandbox } from "./fixtures/connections";
import { createUser, withTestDb } from "./fixtures/db";
import { sandboxUsername, setSandboxMode } from "./fixtures/sandbox";

// Issue 18 point 9, the smaller items: person filters of the audit log by name with suggestions, a confirmed role
// change, success banners that do not come back on reload, focus after a failed sign-in and after dialogs, and
// times in the viewer's own time zone (UTC on hover).

type User = Awaited<ReturnType<typeof createUser>>;
const BERLIN = "Europe/Berlin";

async function signedIn(browser: Browser, user: User, options: { timezoneId?: string; viewport?: { width: number; height: number } } = {}) {
  const page = await (await browser.newContext(options)).newPage();
  await signIn(page, user.email, user.password);
  return page;
}

async function expectNoSeriousAxeViolations(page: Page, what: string) {
  const serious = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, what).toEqual([]);
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(390);
}

/** "HH:mm" of `iso` in `timeZone`, as the page should show it. */
function clockIn(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
}

/** A LocalTime shows the Berlin clock time with its zone (GMT+1/CET in winter, GMT+2/CEST in summer) and UTC in its title. */
async function expectBerlinTime(time: Locator) {
  const iso = await time.getAttribute("datetime");
  expect(iso).toBeTruthy();
  await expect(time).toContainText(clockIn(iso!, BERLIN));
  await expect(time).toContainText(/GMT\+[12]|CES?T/);
  await expect(time).toHaveAttribute("title", new RegExp(`${clockIn(iso!, "UTC")} UTC$`));
}

const roleOf = async (userId: string) => (await withTestDb((db) => db.get<{ role: string }>("SELECT role FROM users WHERE id = ?", [userId])))!.role;

test("changing a role asks first: Cancel keeps the role and returns focus, confirming changes it and is audited", async ({ browser }) => {
  const admin = await createUser("admin", "role-admin");
  const label = `role-target-${Date.now()}`;
  const target = await createUser("athlete", label);
  const name = `Test ${label}`;
  const page = await signedIn(browser, admin);
  await page.goto(`/admin/users/${target.id}`);

  await page.getByLabel("Role", { exact: true }).selectOption("admin");
  const change = page.getByRole("button", { name: "Change role" });
  await change.click();
  const dialog = page.getByRole("dialog", { name: `Make ${name} an admin?` });
  await expect(dialog).toContainText("Admins can manage every user and revoke any connection.");
  await expectNoSeriousAxeViolations(page, "role dialog");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(change).toBeFocused();
  expect(await roleOf(target.id)).toBe("athlete");

  await page.getByLabel("Role", { exact: true }).selectOption("coach");
  await change.click();
  await page
    .getByRole("dialog", { name: `Make ${name} a coach?` })
    .getByRole("button", { name: "Make coach" })
    .click();
  await expect(page.getByRole("status").filter({ hasText: "is now coach" })).toBeVisible();
  expect(await roleOf(target.id)).toBe("coach");
  const actions = await withTestDb((db) =>
    db.all<{ kind: string; detail: string }>("SELECT kind, detail FROM admin_actions WHERE target_user_id = ? ORDER BY id", [target.id]),
  );
  expect(actions).toEqual([{ kind: "role_changed", detail: "athlete → coach" }]);
  await expectNoSeriousAxeViolations(page, "admin user page");

  // A confirmed action whose button stays: focus comes back to it once the action has finished.
  const send = page.getByRole("button", { name: "Send reset link" });
  await send.click();
  await page
    .getByRole("dialog", { name: `Send ${name} a reset link?` })
    .getByRole("button", { name: "Send reset link" })
    .click();
  await expect(page.getByRole("status").filter({ hasText: "A reset link is on its way" })).toBeVisible();
  await expect(send).toBeFocused();
});

test("after a dialog whose button went away (a cancelled invite), focus is on the page, not lost", async ({ browser }) => {
  const coach = await createUser("coach", "focus-coach");
  const page = await signedIn(browser, coach);
  await page.goto("/coach");
  await page.getByRole("button", { name: "Create invite link" }).click();
  await expect(page.getByRole("textbox", { name: "Invite link", exact: true })).toHaveValue(/\/invite\//);
  await page.reload();
  const invites = page.getByRole("region", { name: "Your invite links" });
  await invites.getByRole("button", { name: "Cancel invite" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel invite link" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(invites.getByRole("status")).toContainText("Invite link cancelled.");
  await expect
    .poll(() => page.evaluate(() => document.activeElement !== null && document.activeElement !== document.body), { timeout: 10_000 })
    .toBe(true);
});

test("the audit log's person filter takes part of a name: suggestions picked with the keyboard, times in Berlin time with UTC on hover", async ({
  browser,
}) => {
  const admin = await createUser("admin", "audit-admin");
  const unique = `pickme${Date.now()}`;
  const target = await createUser("athlete", unique);
  const page = await signedIn(browser, admin, { timezoneId: BERLIN });
  // An audit entry about the athlete: a role change through the UI.
  await page.goto(`/admin/users/${target.id}`);
  await page.getByLabel("Role", { exact: true }).selectOption("coach");
  await page.getByRole("button", { name: "Change role" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Make coach" }).click();
  await expect(page.getByRole("status").filter({ hasText: "is now coach" })).toBeVisible();

  await page.goto("/admin/audit?kind=role_changed");
  const person = page.getByRole("combobox", { name: "Athlete or user" });
  await person.pressSequentially(unique, { delay: 20 });
  const suggestions = page.getByRole("listbox", { name: "Suggestions" });
  await expect(suggestions.getByRole("option")).toHaveCount(1);
  await expect(suggestions.getByRole("option").first()).toContainText(`Test ${unique}`);
  await expectNoSeriousAxeViolations(page, "audit log with suggestions open");
  await person.press("ArrowDown");
  await expect(suggestions.getByRole("option").first()).toHaveAttribute("aria-selected", "true");
  await person.press("Enter");
  await expect(person).toHaveValue(target.email);
  await expect(suggestions).toBeHidden();
  await person.press("Enter"); // the list is closed: Enter submits the form
  await expect(page).toHaveURL(new RegExp(`athlete=${encodeURIComponent(target.email).replace(/\./g, "\\.")}`));
  await expect(page.getByLabel("Kind")).toHaveValue("role_changed");
  await expect(page.getByText(`Test ${unique} (${target.email})`)).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: "athlete → coach" }).first();
  await expect(row).toContainText("Role changed");
  await expectBerlinTime(row.locator("time"));
  await expectNoSeriousAxeViolations(page, "filtered audit log");

  // A shared URL with the user's id still filters to them.
  await page.goto(`/admin/audit?athlete=${target.id}`);
  await expect(page.getByRole("combobox", { name: "Athlete or user" })).toHaveValue(target.email);
  await expect(page.getByRole("row").filter({ hasText: "athlete → coach" }).first()).toBeVisible();
});

test("a typed partial name that matches several users or nobody says so and keeps the other filters", async ({ browser }) => {
  const admin = await createUser("admin", "partial-admin");
  const unique = `twin${Date.now()}`;
  await createUser("athlete", `${unique}-a`);
  await createUser("athlete", `${unique}-b`);
  const page = await signedIn(browser, admin, { viewport: { width: 390, height: 844 } });
  await page.goto("/admin/audit");
  await page.getByLabel("Kind").selectOption("role_changed");
  await page.getByRole("combobox", { name: "Athlete or user" }).fill(unique);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("2 users match — pick one below.")).toBeVisible();
  await expect(page.getByLabel("Kind")).toHaveValue("role_changed");
  await expect(page.getByRole("combobox", { name: "Athlete or user" })).toHaveValue(unique);
  const matches = page.getByRole("region", { name: /users match/ });
  await expect(matches.getByRole("link")).toHaveCount(2);
  await expectNoSidewaysScroll(page, "audit log at 390 px with matches");
  await expectNoSeriousAxeViolations(page, "audit log with matches");
  await matches.getByRole("link", { name: `Test ${unique}-b` }).click();
  await expect(page).toHaveURL(/athlete=twin\d+-b-/);
  await expect(page.getByLabel("Kind")).toHaveValue("role_changed");

  await page.getByRole("combobox", { name: "Athlete or user" }).fill(`nobody-${unique}`);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText(`No user matches “nobody-${unique}”.`)).toBeVisible();
  await expect(page.getByLabel("Kind")).toHaveValue("role_changed");
});

test("after linking, the success banner shows once: not after a reload, and never for a service that is not connected", async ({ browser }) => {
  await setSandboxMode("trainerday", "normal");
  const athlete = await createUser("athlete", "banner");
  const page = await signedIn(browser, athlete, { timezoneId: BERLIN });
  await page.goto("/connections");
  await linkInSandbox(page, "TrainerDay", sandboxUsername("banner"));
  const banner = page.getByRole("status").filter({ hasText: "TrainerDay is connected." });
  await expect(banner).toBeVisible();
  await expectNoSeriousAxeViolations(page, "connections after linking");

  await page.reload();
  await expect(card(page, "TrainerDay")).toContainText("Connected");
  await expect(card(page, "TrainerDay").getByRole("button", { name: "Disconnect" })).toBeEnabled(); // hydrated
  await expect(banner).toHaveCount(0);
  await expect(page).toHaveURL(/linked=trainerday/);

  await page.goto("/connections?linked=enduco");
  await expect(card(page, "enduco").getByRole("button", { name: "Connect" })).toBeEnabled();
  await expect(page.getByRole("status").filter({ hasText: "enduco is connected." })).toHaveCount(0);

  // The history shows times in the viewer's zone, UTC on hover.
  await page.goto("/connections/trainerday/history");
  await expectBerlinTime(page.getByRole("list", { name: "TrainerDay history" }).locator("time").first());
  await expectNoSeriousAxeViolations(page, "history");
});

test("a failed sign-in moves focus to the error message, also on a phone", async ({ browser }) => {
  const user = await createUser("athlete", "focus");
  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    const page = await (await browser.newContext({ viewport })).newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const error = page.getByRole("alert").filter({ hasText: "The email or password is incorrect." });
    await expect(error).toBeVisible();
    await expect(error).toBeFocused();
    await expect(page.getByLabel("Email")).toHaveValue(user.email);
    await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
    if (viewport.width === 390) await expectNoSidewaysScroll(page, "login at 390 px");
    await expectNoSeriousAxeViolations(page, "login after a failure");
  }
});
