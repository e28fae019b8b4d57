import { expect, test, type Page } from "@playwright/test";
import { APP_URL } from "./config";
import { signIn } from "./fixtures/auth";
import { card, linkInSandbox } from "./fixtures/connections";
import { createUser, eventsOf, withTestDb } from "./fixtures/db";
import { linkIn, mailSource, mailsTo, waitForMail } from "./fixtures/mail";
import { sandboxUsername, setSandboxMode } from "./fixtures/sandbox";

// Issue 15: when a link breaks, the athlete hears about it (one mail, a banner on every page), the coach's digest
// lists it, and everything goes quiet again after the fix.

const banner = (page: Page) => page.getByRole("region", { name: "Connections that need you" });

test.afterEach(async () => {
  await setSandboxMode("trainerday", "normal");
});

test("a broken connection mails its athlete once, shows the banner everywhere, reaches the coach's digest; the coach's reconnect request goes sent → opened → reconnected → verified", async ({
  page,
  browser,
}) => {
  const coach = await createUser("coach", "digest-coach");
  const athlete = await createUser("athlete", "alerted");
  await withTestDb((db) => db.run("INSERT INTO coach_athletes (coach_id, athlete_id) VALUES (?, ?)", [coach.id, athlete.id]));
  await signIn(page, athlete.email, athlete.password);
  const username = sandboxUsername("td-alert");
  await linkInSandbox(page, "TrainerDay", username);
  await expect(banner(page)).toHaveCount(0);

  await setSandboxMode("trainerday", "refresh_invalid_grant");
  await card(page, "TrainerDay").getByRole("button", { name: "Refresh" }).click();
  await expect(card(page, "TrainerDay")).toContainText("Needs reconnect");
  await page.reload();
  await expect(banner(page)).toContainText("TrainerDay stopped accepting TrainLink.");

  const alert = await waitForMail(athlete.email, "TrainerDay stopped accepting TrainLink");
  expect(alert.text).toContain(`Reconnect TrainerDay: ${APP_URL}/connections#service-trainerday`);
  expect(alert.html).toContain("Reconnect TrainerDay</a>");
  const source = await mailSource(alert);
  expect(source).toMatch(/^List-Unsubscribe:\s+<http:\/\/localhost:\d+\/api\/unsubscribe\?token=[^>]+>/m);
  expect(source).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
  expect(source).toMatch(/Content-Type: multipart\/alternative/);

  // The banner is on every page of the athlete, and its link leads to the card.
  await page.goto("/connections/trainerday/history");
  await expect(banner(page)).toBeVisible();
  await banner(page).getByRole("link", { name: "Reconnect TrainerDay" }).click();
  await expect(page).toHaveURL(/\/connections#service-trainerday$/);

  // The coach's digest (every 5 s in e2e) lists the athlete, with a link to their page.
  const digest = await waitForMail(coach.email, "1 athlete needs attention");
  expect(digest.text).toMatch(/Test alerted — TrainerDay: needs to reconnect since/);
  const coachPage = await (await browser.newContext()).newPage();
  await signIn(coachPage, coach.email, coach.password);
  await coachPage.goto(linkIn(digest, `${APP_URL}/coach/athletes/`));
  await expect(coachPage.getByRole("heading", { level: 1 })).toContainText("Test alerted");

  // The coach asks for a reconnect; the request goes sent → opened → reconnected → verified.
  await coachPage.getByRole("button", { name: "Ask to reconnect" }).click();
  await coachPage.getByRole("dialog").getByRole("button", { name: "Send request" }).click();
  const steps = coachPage.getByRole("list", { name: "Reconnect request" });
  const step = (name: string) => steps.getByRole("listitem").filter({ hasText: name });
  await expect(step("Sent")).toContainText(/\d{4}, \d\d:\d\d/);
  await expect(step("Opened")).toContainText("Not yet");
  const request = await waitForMail(athlete.email, "Please reconnect TrainerDay");
  const requestLink = linkIn(request, `${APP_URL}/connections?request=`);
  expect(requestLink).not.toMatch(/token|code=/);
  await page.goto(requestLink);
  await expect(card(page, "TrainerDay")).toContainText("asked you to reconnect");
  // The page posts that it was opened (no GET changes anything); the coach sees it on the next load.
  await expect.poll(async () => (await coachPage.reload(), await step("Opened").textContent()), { timeout: 15_000 }).toMatch(/\d\d:\d\d/);

  // The fix: the banner goes at once, the request follows, and no second alert was sent for this episode.
  await setSandboxMode("trainerday", "normal");
  await linkInSandbox(page, "TrainerDay", username);
  await expect(banner(page)).toHaveCount(0);
  await page.goto("/settings");
  await expect(banner(page)).toHaveCount(0);
  await expect.poll(async () => (await coachPage.reload(), await step("Reconnected").textContent()), { timeout: 15_000 }).toMatch(/\d\d:\d\d/);
  await page.goto("/connections");
  await card(page, "TrainerDay").getByRole("button", { name: "Refresh" }).click();
  await expect(card(page, "TrainerDay").getByRole("status")).toContainText("TrainerDay refreshed");
  await expect.poll(async () => (await coachPage.reload(), await step("Verified").textContent()), { timeout: 15_000 }).toMatch(/\d\d:\d\d/);
  await expect(coachPage.getByText("Last reconnect request")).toBeVisible();
  expect((await mailsTo(athlete.email)).filter((m) => m.subject === "TrainerDay stopped accepting TrainLink")).toHaveLength(1);
  const kinds = (await eventsOf(athlete.id)).map((e) => e.kind);
  for (const kind of ["alert_sent", "reconnect_requested", "reconnect_request_opened", "reconnect_request_reconnected", "reconnect_request_verified"])
    expect(kinds).toContain(kind);
});
