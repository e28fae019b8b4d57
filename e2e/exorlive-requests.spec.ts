import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { card } from "./fixtures/connections";
import { accountsOf, createUser, withTestDb } from "./fixtures/db";
import { setSandboxMode } from "./fixtures/sandbox";

// Issue 18 points 6 and 7: athletes and coaches ask an administrator to link ExorLive (a queue on the Services
// page: approve through the admin form's own code path, or decline with a reason the athlete reads), and the
// admin's ExorLive form keeps typed values, suggests athletes as you type and confirms before linking.

async function signedIn(browser: Browser, email: string, password: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await (await browser.newContext(viewport ? { viewport } : {})).newPage();
  await signIn(page, email, password);
  return page;
}

/** A random ExorLive user ID (digits), so parallel tests never share one. */
const exorliveId = () => String(100000 + Math.floor(Math.random() * 800000));

/** The row of `email`'s request in the admin's queue. */
const queued = (page: Page, email: string) =>
  page.getByRole("region", { name: "ExorLive link requests" }).getByRole("listitem").filter({ hasText: email });

async function auditKinds(userId: string): Promise<string[]> {
  const rows = await withTestDb((db) => db.all<{ kind: string }>("SELECT kind FROM admin_actions WHERE target_user_id = ? ORDER BY id", [userId]));
  return rows.map((r) => r.kind);
}

/** Sends "Ask an administrator to link ExorLive" from `scope` (the athlete's card or the coach's ExorLive section). */
async function ask(page: Page, scope: ReturnType<Page["getByRole"]>, userId: string, note?: string) {
  await scope.getByRole("button", { name: "Ask an administrator to link ExorLive" }).click();
  const dialog = page.getByRole("dialog", { name: "Ask an administrator to link ExorLive" });
  await expect(dialog).toContainText("not your email");
  await dialog.getByLabel("ExorLive user ID").fill(userId);
  if (note) await dialog.getByLabel("Note for the administrator (optional)").fill(note);
  await dialog.getByRole("button", { name: "Send request" }).click();
  await expect(dialog).toHaveCount(0);
}

test.afterEach(async () => {
  await setSandboxMode("exorlive", "normal");
});

test("an athlete asks, an admin approves from the queue (the dialog shows athlete and ID), and the athlete's ExorLive card is connected", async ({
  browser,
}) => {
  const athlete = await createUser("athlete", "exreq-athlete");
  const admin = await createUser("admin", "exreq-admin");
  const userId = exorliveId();

  const athletePage = await signedIn(browser, athlete.email, athlete.password);
  const exorlive = card(athletePage, "ExorLive");
  await expect(exorlive.getByRole("button", { name: "Connect" })).toHaveCount(0);

  // A wrong ID is refused in the dialog and what was typed stays.
  await exorlive.getByRole("button", { name: "Ask an administrator to link ExorLive" }).click();
  const dialog = athletePage.getByRole("dialog", { name: "Ask an administrator to link ExorLive" });
  await dialog.getByLabel("ExorLive user ID").fill("12ab");
  await dialog.getByLabel("Note for the administrator (optional)").fill("From my physio clinic");
  await dialog.getByRole("button", { name: "Send request" }).click();
  await expect(dialog.getByRole("alert")).toContainText("ExorLive user IDs are digits only");
  await expect(dialog.getByLabel("ExorLive user ID")).toHaveValue("12ab");
  await expect(dialog.getByLabel("Note for the administrator (optional)")).toHaveValue("From my physio clinic");
  await dialog.getByLabel("ExorLive user ID").fill(userId);
  await dialog.getByRole("button", { name: "Send request" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(exorlive).toContainText(/Request sent on .+; an administrator will link it/);
  await expect(exorlive.getByRole("button", { name: "Cancel request" })).toBeVisible();

  // One open request per athlete: the card offers no second one.
  await expect(exorlive.getByRole("button", { name: "Ask an administrator to link ExorLive" })).toHaveCount(0);

  const adminPage = await signedIn(browser, admin.email, admin.password);
  await adminPage.goto("/admin/services");
  const row = queued(adminPage, athlete.email);
  await expect(row).toContainText("Test exreq-athlete");
  await expect(row).toContainText(`ExorLive user ${userId}`);
  await expect(row).toContainText("asked by Test exreq-athlete (the athlete)");
  await expect(row).toContainText("Note: From my physio clinic");
  await row.getByRole("button", { name: "Approve the request for Test exreq-athlete" }).click();
  const approve = adminPage.getByRole("dialog", { name: "Approve and link ExorLive?" });
  await expect(approve).toContainText(`Link ExorLive user ${userId} to Test exreq-athlete (${athlete.email})?`);
  await approve.getByRole("button", { name: "Approve and link" }).click();
  await expect(adminPage.getByRole("status").filter({ hasText: "ExorLive is linked for Test exreq-athlete" })).toContainText(
    `ExorLive user ${userId}`,
  );
  await expect(queued(adminPage, athlete.email)).toHaveCount(0);

  const [account] = await accountsOf(athlete.id);
  expect(account).toMatchObject({ provider: "exorlive", provider_account_id: userId, state: "connected" });
  expect(await auditKinds(athlete.id)).toEqual(["exorlive_link_requested", "exorlive_linked", "exorlive_link_request_approved"]);

  await athletePage.reload();
  await expect(card(athletePage, "ExorLive")).toContainText("Connected");
  await expect(card(athletePage, "ExorLive").getByRole("button", { name: "Disconnect" })).toBeVisible();
  await expect(card(athletePage, "ExorLive")).not.toContainText("Request sent on");
});

test("a coach asks for an athlete on their roster; the athlete cancels it; an admin declines a new one with a reason the athlete reads", async ({
  browser,
}) => {
  const coach = await createUser("coach", "exreq-coach");
  const athlete = await createUser("athlete", "exreq-coached");
  const admin = await createUser("admin", "exreq-decider");
  await withTestDb((db) => db.run("INSERT INTO coach_athletes (coach_id, athlete_id) VALUES (?, ?)", [coach.id, athlete.id]));

  const coachPage = await signedIn(browser, coach.email, coach.password);
  await coachPage.goto(`/coach/athletes/${athlete.id}`);
  const section = coachPage.getByRole("region", { name: "ExorLive" });
  await ask(coachPage, section, exorliveId(), "Clinic account");
  await expect(section).toContainText(/Request sent on .+ by Test exreq-coach; an administrator will link it/);

  // A coach cannot ask for someone else's athlete: that page is not theirs.
  const stranger = await createUser("athlete", "exreq-stranger");
  const response = await coachPage.goto(`/coach/athletes/${stranger.id}`);
  expect(response?.status()).toBe(404);

  const athletePage = await signedIn(browser, athlete.email, athlete.password);
  const exorlive = card(athletePage, "ExorLive");
  await expect(exorlive).toContainText("Request sent on");
  await exorlive.getByRole("button", { name: "Cancel request" }).click();
  await expect(exorlive.getByRole("button", { name: "Ask an administrator to link ExorLive" })).toBeVisible();

  const declinedId = exorliveId();
  await ask(athletePage, exorlive, declinedId);
  const adminPage = await signedIn(browser, admin.email, admin.password);
  await adminPage.goto("/admin/services");
  const row = queued(adminPage, athlete.email);
  await expect(row).toContainText(`ExorLive user ${declinedId}`);
  await row.getByRole("button", { name: "Decline the request for Test exreq-coached" }).click();
  const decline = adminPage.getByRole("dialog", { name: "Decline this request?" });
  await decline.getByLabel("Reason").fill("That ExorLive user belongs to another clinic.");
  await decline.getByRole("button", { name: "Decline request" }).click();
  await expect(adminPage.getByRole("status").filter({ hasText: "is declined" })).toBeVisible();
  await expect(queued(adminPage, athlete.email)).toHaveCount(0);

  await athletePage.reload();
  await expect(card(athletePage, "ExorLive")).toContainText(
    /An administrator declined the request on .+: That ExorLive user belongs to another clinic\./,
  );
  await expect(card(athletePage, "ExorLive").getByRole("button", { name: "Ask an administrator to link ExorLive" })).toBeVisible();
  expect(await accountsOf(athlete.id)).toHaveLength(0);
  expect(await auditKinds(athlete.id)).toEqual([
    "exorlive_link_requested",
    "exorlive_link_request_cancelled",
    "exorlive_link_requested",
    "exorlive_link_request_declined",
  ]);
});

test("the admin form keeps typed values after an error, then links an athlete picked from the suggestions with the keyboard", async ({ browser }) => {
  const athlete = await createUser("athlete", "exform-pick");
  const admin = await createUser("admin", "exform-admin");
  const userId = exorliveId();
  const page = await signedIn(browser, admin.email, admin.password);
  await page.goto("/admin/services");
  const form = page.getByRole("region", { name: "Link ExorLive for an athlete" });

  // A bad email and a bad ID: the error says so and nothing typed is lost.
  await form.getByLabel("Athlete (name or email)").fill("not-an-email");
  await form.getByLabel("ExorLive user ID").fill("12x");
  await form.getByRole("button", { name: "Link ExorLive" }).click();
  await expect(form.getByRole("alert")).toContainText("digits only");
  await expect(form.getByLabel("Athlete (name or email)")).toHaveValue("not-an-email");
  await expect(form.getByLabel("ExorLive user ID")).toHaveValue("12x");
  await form.getByLabel("ExorLive user ID").fill(userId);
  await form.getByRole("button", { name: "Link ExorLive" }).click();
  await expect(form.getByRole("alert")).toContainText('"not-an-email" is neither');
  await expect(form.getByLabel("Athlete (name or email)")).toHaveValue("not-an-email");
  await expect(form.getByLabel("ExorLive user ID")).toHaveValue(userId);

  // Search as you type: the email's unique part finds the athlete; ArrowDown + Enter picks them.
  const combobox = form.getByRole("combobox", { name: "Athlete (name or email)" });
  await combobox.fill(athlete.email.split("@")[0]!);
  const options = form.getByRole("listbox", { name: "Matching athletes" });
  await expect(combobox).toHaveAttribute("aria-expanded", "true");
  await expect(options.getByRole("option")).toHaveCount(1);
  await expect(options.getByRole("option").first()).toContainText(athlete.email);
  await combobox.press("ArrowDown");
  await combobox.press("Enter");
  await expect(combobox).toHaveAttribute("aria-expanded", "false");
  await expect(combobox).toHaveValue(`Test exform-pick (${athlete.email})`);
  await expect(form.getByLabel("ExorLive user ID")).toHaveValue(userId);

  await form.getByRole("button", { name: "Link ExorLive" }).click();
  const confirm = page.getByRole("dialog", { name: "Link ExorLive?" });
  await expect(confirm).toContainText(`Link ExorLive user ${userId} to Test exform-pick (${athlete.email})?`);
  // Cancel links nothing.
  await confirm.getByRole("button", { name: "Cancel" }).click();
  expect(await accountsOf(athlete.id)).toHaveLength(0);
  await form.getByRole("button", { name: "Link ExorLive" }).click();
  await page.getByRole("dialog", { name: "Link ExorLive?" }).getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("status").filter({ hasText: "ExorLive is linked" })).toContainText(`ExorLive user ${userId}`);
  const [account] = await accountsOf(athlete.id);
  expect(account).toMatchObject({ provider: "exorlive", provider_account_id: userId, state: "connected" });

  // A refusal at ExorLive keeps the values too.
  const other = await createUser("athlete", "exform-refused");
  await setSandboxMode("exorlive", "unknown_user");
  await form.getByLabel("Athlete (name or email)").fill(other.email);
  await form.getByLabel("ExorLive user ID").fill("4242");
  await form.getByRole("button", { name: "Link ExorLive" }).click();
  await page.getByRole("dialog", { name: "Link ExorLive?" }).getByRole("button", { name: "Confirm" }).click();
  await expect(form.getByRole("alert")).toContainText("ExorLive does not know user ID 4242");
  await expect(form.getByLabel("Athlete (name or email)")).toHaveValue(other.email);
  await expect(form.getByLabel("ExorLive user ID")).toHaveValue("4242");
});

test("the services page with a queued request and the athlete's ExorLive card: axe clean, no horizontal overflow at 390 px", async ({ browser }) => {
  const athlete = await createUser("athlete", "exreq-layout");
  const admin = await createUser("admin", "exreq-layout-admin");
  const athletePage = await signedIn(browser, athlete.email, athlete.password, { width: 390, height: 844 });
  await ask(athletePage, card(athletePage, "ExorLive"), exorliveId(), "A fairly long note so the queue row has to wrap on a phone screen.");

  const adminPage = await signedIn(browser, admin.email, admin.password, { width: 390, height: 844 });
  for (const [page, path] of [
    [athletePage, "/connections"],
    [adminPage, "/admin/services"],
  ] as const) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} at 390 px`).toBeLessThanOrEqual(0);
    const serious = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious, path).toEqual([]);
  }
  await expect(queued(adminPage, athlete.email)).toBeVisible();

  // The dialogs too: the request dialog on the card, and the approve dialog in the queue.
  await card(athletePage, "ExorLive").getByRole("button", { name: "Cancel request" }).click();
  await card(athletePage, "ExorLive").getByRole("button", { name: "Ask an administrator to link ExorLive" }).click();
  const askDialog = athletePage.getByRole("dialog", { name: "Ask an administrator to link ExorLive" });
  await expect(askDialog).toBeVisible();
  const inDialog = (await new AxeBuilder({ page: athletePage }).include('[role="dialog"]').analyze()).violations;
  expect(inDialog.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  await askDialog.getByRole("button", { name: "Cancel", exact: true }).click();

  await adminPage.setViewportSize({ width: 1280, height: 900 });
  await adminPage.reload();
  const combobox = adminPage.getByRole("combobox", { name: "Athlete (name or email)" });
  await combobox.fill("exreq-layout");
  await expect(adminPage.getByRole("listbox", { name: "Matching athletes" }).getByRole("option").first()).toBeVisible();
  const serious = (await new AxeBuilder({ page: adminPage }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, "services page with the suggestions open").toEqual([]);
});
