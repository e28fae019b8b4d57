import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { card, linkInSandbox } from "./fixtures/connections";
import { accountsOf, createUser, withTestDb } from "./fixtures/db";
import { sandboxUsername, setSandboxMode } from "./fixtures/sandbox";

// Issue 18 point 3: athletes and coaches read plain sentences from one message catalogue (lib/messages), never the
// service's protocol words; one explanation per card; no expiry on a card that needs a reconnect; Refresh explained;
// each service's Disconnect promises only what it can do. Point 8: an admin's Revoke asks for a reason, and the
// athlete's card shows it.

/** What athletes and coaches must never read (the "Grant missing permissions" button may be named). */
const FORBIDDEN = /HTTP|invalid_|grant_type|\bgrant\b|refresh token|[0-9]{4}-[0-9]{2}-[0-9]{2}T|Custom endpoint|rotated/;

test.afterEach(async () => {
  await setSandboxMode("trainerday", "normal");
  await setSandboxMode("enduco", "normal");
});

async function signedIn(browser: Browser, email: string, password: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await (await browser.newContext(viewport ? { viewport } : {})).newPage();
  await signIn(page, email, password);
  return page;
}

async function expectNoSeriousAxeViolations(page: Page, what: string) {
  const serious = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, what).toEqual([]);
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(390);
}

/** How often `sentence` occurs in `region`'s text. */
async function occurrences(region: Locator, sentence: string): Promise<number> {
  return (await region.innerText()).split(sentence).length - 1;
}

/** A connected row of `provider` for `userId`, linked an hour ago, with a sealed-looking token (the dialog only needs a card). */
async function insertConnection(userId: string, provider: "fitrankings" | "exorlive") {
  await withTestDb((db) =>
    db.run(
      "INSERT INTO accounts (id, user_id, provider, provider_account_id, access_token, state, linked_at, updated_at) VALUES (?, ?, ?, ?, 'v1.x.y.z.w', 'connected', ?, ?)",
      [
        `acc-${provider}-${userId}`,
        userId,
        provider,
        String(100000 + Math.floor(Math.random() * 800000)),
        new Date(Date.now() - 3_600_000),
        new Date(),
      ],
    ),
  );
}

test("a refused refresh: the athlete reads one plain sentence, no protocol words and no expiry; the coach too; axe and 390 px clean", async ({
  browser,
}) => {
  const athlete = await createUser("athlete", "plain-athlete");
  const coach = await createUser("coach", "plain-coach");
  await withTestDb((db) => db.run("INSERT INTO coach_athletes (coach_id, athlete_id) VALUES (?, ?)", [coach.id, athlete.id]));
  const page = await signedIn(browser, athlete.email, athlete.password);
  await linkInSandbox(page, "TrainerDay", sandboxUsername("td-plain"));
  const trainerday = card(page, "TrainerDay");
  await expect(trainerday).toContainText("Connected");

  // Refresh says what it does.
  await expect(trainerday.getByRole("button", { name: "Refresh" })).toHaveAccessibleDescription(
    /gets a fresh access token from TrainerDay now\. TrainLink also does this automatically/,
  );

  await setSandboxMode("trainerday", "refresh_invalid_grant");
  await trainerday.getByRole("button", { name: "Refresh" }).click();
  await expect(trainerday.getByRole("alert")).toHaveText("Refreshing TrainerDay did not work.");
  const sentence = "TrainerDay stopped accepting TrainLink. Reconnect to fix it.";
  await expect(trainerday.getByRole("note")).toHaveText(sentence);
  expect(await occurrences(trainerday, sentence)).toBe(1);
  await expect(trainerday).not.toContainText(/expires in|Access token expire/);
  await expect(page.getByRole("main")).not.toContainText(FORBIDDEN);
  expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "needs_reauth" });

  // After a reload (no action outcome), the same single sentence; the history page shows no protocol detail either.
  await page.reload();
  await expect(card(page, "TrainerDay").getByRole("note")).toHaveText(sentence);
  expect(await occurrences(card(page, "TrainerDay"), sentence)).toBe(1);
  await expect(page.getByRole("main")).not.toContainText(FORBIDDEN);
  await expectNoSeriousAxeViolations(page, "/connections with a card that needs a reconnect");
  await card(page, "TrainerDay").getByRole("link", { name: "History of TrainerDay" }).click();
  await expect(page.getByRole("list", { name: "TrainerDay history" })).toContainText("Needs reconnect");
  await expect(page.getByRole("main")).not.toContainText(FORBIDDEN);

  // The coach's page of the athlete: the coach's sentence, no raw error, no expiry.
  const coachPage = await signedIn(browser, coach.email, coach.password);
  await coachPage.goto(`/coach/athletes/${athlete.id}`);
  const section = coachPage.getByRole("region", { name: "TrainerDay" });
  await expect(section).toContainText("TrainerDay stopped accepting TrainLink. The athlete needs to reconnect it.");
  await expect(section).not.toContainText(/Last error|Access token expire/);
  await expect(coachPage.getByRole("main")).not.toContainText(FORBIDDEN);
  await expectNoSeriousAxeViolations(coachPage, "the coach's athlete page");

  // On a phone.
  const phone = await signedIn(browser, athlete.email, athlete.password, { width: 390, height: 844 });
  await expect(card(phone, "TrainerDay").getByRole("note")).toHaveText(sentence);
  await expectNoSidewaysScroll(phone, "/connections at 390 px");
  await expectNoSeriousAxeViolations(phone, "/connections at 390 px");
});

test("a service outage during Refresh reads as 'not answering', once, with nothing technical", async ({ page }) => {
  const athlete = await createUser("athlete", "plain-outage");
  await signIn(page, athlete.email, athlete.password);
  await linkInSandbox(page, "enduco", sandboxUsername("en-plain"));
  const enduco = card(page, "enduco");
  await setSandboxMode("enduco", "token_503");
  await enduco.getByRole("button", { name: "Refresh" }).click();
  await expect(enduco.getByRole("alert")).toHaveText("Refreshing enduco did not work.");
  const sentence = "enduco is not answering right now. TrainLink will try again automatically.";
  await expect(enduco.getByRole("note")).toHaveText(sentence);
  expect(await occurrences(enduco, sentence)).toBe(1);
  await expect(page.getByRole("main")).not.toContainText(FORBIDDEN);
  await expect(page.getByRole("main")).not.toContainText("(HTTP 503)");
});

test("each service's Disconnect dialog promises only what that service can do", async ({ page }) => {
  const athlete = await createUser("athlete", "plain-dialogs");
  await insertConnection(athlete.id, "fitrankings");
  await insertConnection(athlete.id, "exorlive");
  await signIn(page, athlete.email, athlete.password);
  await linkInSandbox(page, "TrainerDay", sandboxUsername("td-dialog"));

  const open = async (name: string) => {
    await card(page, name).getByRole("button", { name: "Disconnect" }).click();
    const dialog = page.getByRole("dialog", { name: `Disconnect ${name}?` });
    await expect(dialog).toBeVisible();
    return dialog;
  };
  const close = async (dialog: Locator) => {
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toHaveCount(0);
  };

  const fitrankings = await open("FitRankings");
  await expect(fitrankings).toContainText("TrainLink forgets its access to FitRankings");
  await expect(fitrankings).toContainText("FitRankings keeps your authorization until you remove it there");
  await expect(fitrankings).toContainText("remove TrainLink in your FitRankings account settings");
  await expect(fitrankings).not.toContainText("asks FitRankings to end its access");
  await close(fitrankings);

  const exorlive = await open("ExorLive");
  await expect(exorlive).toContainText("To link ExorLive again, ask an administrator to link it again.");
  await expect(exorlive).not.toContainText("You can connect again at any time");
  await expect(exorlive).toContainText("ExorLive keeps your authorization until you remove it there");
  await close(exorlive);

  const trainerday = await open("TrainerDay");
  await expect(trainerday).toContainText("TrainLink asks TrainerDay to end its access, then deletes what it stored.");
  await expect(trainerday).toContainText("You can connect again at any time.");
  await expectNoSeriousAxeViolations(page, "the Disconnect dialog");
  await close(trainerday);
});

test("an admin revokes with a reason; the athlete's card says who, when and why", async ({ browser }) => {
  const athlete = await createUser("athlete", "plain-revoked");
  const athletePage = await signedIn(browser, athlete.email, athlete.password);
  await linkInSandbox(athletePage, "TrainerDay", sandboxUsername("td-reason"));
  await expect(card(athletePage, "TrainerDay")).toContainText("Connected");

  const admin = await signedIn(browser, "admin@example.com", "demo1234");
  await admin.goto(`/admin/connections?athlete=${athlete.id}`);
  await admin.getByRole("row", { name: "Test plain-revoked TrainerDay" }).getByRole("button", { name: "Revoke" }).click();
  const dialog = admin.getByRole("dialog", { name: "Revoke TrainerDay for Test plain-revoked?" });
  const reason = admin.getByLabel("Reason (shown to Test plain-revoked)");
  await expect(reason).toHaveAttribute("maxlength", "500");
  // Without a reason nothing is sent: the dialog stays open.
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await expect(dialog).toBeVisible();
  expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "connected" });
  const why = "This TrainerDay account belongs to <b>another</b> athlete; link your own.";
  await reason.fill(why);
  await expectNoSeriousAxeViolations(admin, "the Revoke dialog with a reason");
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "connection was revoked" })).toBeVisible();
  await expect(dialog).toHaveCount(0);
  expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "disconnected", access_token: null });

  await athletePage.reload();
  const trainerday = card(athletePage, "TrainerDay");
  await expect(trainerday).toContainText("Not connected");
  // "Revoked by an administrator on 3 Dec: …", the reason as text (its markup is not rendered).
  await expect(trainerday.getByRole("note")).toHaveText(new RegExp(`^Revoked by an administrator on \\d{1,2} [A-Z][a-z]{2}: `));
  await expect(trainerday.getByRole("note")).toContainText(why);
  await expect(trainerday.locator("b")).toHaveCount(0);
  await expect(trainerday.getByRole("button", { name: "Connect" })).toBeEnabled();
  await expectNoSeriousAxeViolations(athletePage, "/connections after an admin's revoke");

  const phone = await signedIn(browser, athlete.email, athlete.password, { width: 390, height: 844 });
  await expect(card(phone, "TrainerDay").getByRole("note")).toContainText(why);
  await expectNoSidewaysScroll(phone, "/connections with a revoke reason at 390 px");
});
