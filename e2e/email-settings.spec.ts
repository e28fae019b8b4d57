import AxeBuilder from "@axe-core/playwright";
import { expect, request as playwrightRequest, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { APP_URL } from "./config";
import { captureAction, replayAction } from "./fixtures/actions";
import { signIn } from "./fixtures/auth";
import { createUser, withTestDb } from "./fixtures/db";
import { unsubscribeToken } from "./fixtures/unsubscribe";

// Issue 15: email preferences per kind on /settings, and unsubscribe links that work without signing in (the
// page asks first; the RFC 8058 one-click POST does not), trusting only the signed token.

type User = Awaited<ReturnType<typeof createUser>>;

async function signedIn(browser: Browser, user: User): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, user.email, user.password);
  return page;
}

/** An API context with `user`'s session cookies. */
async function sessionOf(browser: Browser, user: User): Promise<APIRequestContext> {
  const context = await browser.newContext();
  await signIn(await context.newPage(), user.email, user.password);
  return playwrightRequest.newContext({ baseURL: APP_URL, storageState: await context.storageState() });
}

/** The stored choice of `userId` for `kind`: true/false, or undefined when they never chose (the kind's default applies). */
async function storedPreference(userId: string, kind: string): Promise<boolean | undefined> {
  const row = await withTestDb((db) =>
    db.get<{ enabled: unknown }>("SELECT enabled FROM email_preferences WHERE user_id = ? AND kind = ?", [userId, kind]),
  );
  return row === undefined ? undefined : Boolean(row.enabled); // SQLite 0/1, PostgreSQL boolean
}

/** `token` with the first character of its MAC changed. */
function tampered(token: string): string {
  const [user, kind, mac] = token.split(".") as [string, string, string];
  return `${user}.${kind}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`;
}

async function expectNoSeriousAxeViolations(page: Page, what: string) {
  const serious = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, what).toEqual([]);
}

const unsubscribePath = (token: string) => `/unsubscribe?${new URLSearchParams({ token })}`;
const oneClickPath = (token: string) => `/api/unsubscribe?${new URLSearchParams({ token })}`;
const ONE_CLICK = { "List-Unsubscribe": "One-Click" };

test("an athlete turns kinds of email on and off in Settings, and the choices survive a reload", async ({ browser }) => {
  const athlete = await createUser("athlete", "settings-athlete");
  const page = await signedIn(browser, athlete);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  const email = page.getByRole("region", { name: "Email notifications" });
  await expect(email.getByRole("switch")).toHaveCount(3);
  const recovered = email.getByRole("switch", { name: "A connection works again", exact: true });
  const requests = email.getByRole("switch", { name: "Reconnect requests from my coach", exact: true });
  await expect(email.getByRole("switch", { name: "A connection needs me", exact: true })).toBeChecked();
  await expect(recovered).not.toBeChecked();
  await expect(requests).toBeChecked();
  await expect(recovered).toHaveAccessibleDescription(/A short note when a connection that needed you works again/);
  await expectNoSeriousAxeViolations(page, "/settings (athlete)");

  await recovered.click();
  await expect(email.getByText("Saved. You will get “A connection works again” emails.")).toBeVisible();
  await expect(recovered).toBeChecked();
  await requests.click();
  await expect(email.getByText("Saved. You will no longer get “Reconnect requests from my coach” emails.")).toBeVisible();
  await expect(requests).not.toBeChecked();
  expect(await storedPreference(athlete.id, "connection_recovered")).toBe(true);
  expect(await storedPreference(athlete.id, "reconnect_requests")).toBe(false);

  await page.reload();
  await expect(page.getByRole("switch", { name: "A connection works again", exact: true })).toBeChecked();
  await expect(page.getByRole("switch", { name: "Reconnect requests from my coach", exact: true })).not.toBeChecked();
  await expect(page.getByRole("switch", { name: "A connection needs me", exact: true })).toBeChecked();
});

test("a coach sees only the daily digest, and an administrator is told there are no emails yet", async ({ browser }) => {
  const coach = await createUser("coach", "settings-coach");
  const page = await signedIn(browser, coach);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  const email = page.getByRole("region", { name: "Email notifications" });
  await expect(email.getByRole("switch")).toHaveCount(1);
  await expect(email.getByRole("switch", { name: "Daily digest of athletes who need attention", exact: true })).toBeChecked();
  await expect(email).not.toContainText("A connection needs me");

  const admin = await signedIn(browser, await createUser("admin", "settings-admin"));
  await admin.goto("/settings");
  await expect(admin.getByRole("region", { name: "Email notifications" })).toContainText("There are no emails for administrators yet.");
  await expect(admin.getByRole("switch")).toHaveCount(0);
});

test("the settings action changes only the caller's own mail, refuses kinds of another role and anonymous replays", async ({ browser }) => {
  const athlete = await createUser("athlete", "settings-owner");
  const otherAthlete = await createUser("athlete", "settings-replayer");
  const coach = await createUser("coach", "settings-replay-coach");
  const page = await signedIn(browser, athlete);
  await page.goto("/settings");
  const action = await captureAction(page, () => page.getByRole("switch", { name: "A connection works again", exact: true }).click());

  const anonymous = await replayAction(await playwrightRequest.newContext({ baseURL: APP_URL }), action);
  expect(anonymous.text).toMatch(/Your session has ended/);
  const asCoach = await replayAction(await sessionOf(browser, coach), action);
  expect(asCoach.text).toMatch(/not sent to coaches/);
  expect(await storedPreference(coach.id, "connection_recovered")).toBeUndefined();
  // Replayed by another athlete, the action is theirs: it sets their own choice, never the captured user's.
  await replayAction(await sessionOf(browser, otherAthlete), action);
  expect(await storedPreference(otherAthlete.id, "connection_recovered")).toBe(true);
  expect(await storedPreference(athlete.id, "connection_recovered")).toBeUndefined();
});

test("an unsubscribe link asks first, without signing in, then turns that kind off; Settings shows it off", async ({ browser }) => {
  const athlete = await createUser("athlete", "unsub-athlete");
  const token = unsubscribeToken(athlete.id, "connection_alerts");
  const visitor = await (await browser.newContext()).newPage();

  await visitor.goto(unsubscribePath(token));
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Stop emails: A connection needs me?");
  await expect(visitor.getByText("u•••@test.example")).toBeVisible();
  const html = await visitor.content();
  expect(html).not.toContain(athlete.email);
  expect(html).not.toContain("Test unsub-athlete");
  await expectNoSeriousAxeViolations(visitor, "/unsubscribe (valid link)");
  // Opening the link (and the one-click URL with GET, as a browser would) changes nothing.
  const get = await visitor.request.get(oneClickPath(token), { maxRedirects: 0 });
  expect(get.status()).toBe(303);
  expect(get.headers().location).toBe(`${APP_URL}${unsubscribePath(token)}`);
  expect(await storedPreference(athlete.id, "connection_alerts")).toBeUndefined();

  await visitor.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("You are unsubscribed");
  await expect(visitor.getByText("You will no longer get “A connection needs me” emails. You can turn them back on in Settings.")).toBeVisible();
  await expect(visitor.getByRole("link", { name: "Settings", exact: true })).toHaveAttribute("href", "/settings");
  expect(await storedPreference(athlete.id, "connection_alerts")).toBe(false);
  expect(await storedPreference(athlete.id, "reconnect_requests")).toBeUndefined();
  await expectNoSeriousAxeViolations(visitor, "/unsubscribe (done)");

  const page = await signedIn(browser, athlete);
  await page.goto("/settings");
  await expect(page.getByRole("switch", { name: "A connection needs me", exact: true })).not.toBeChecked();
  await expect(page.getByRole("switch", { name: "Reconnect requests from my coach", exact: true })).toBeChecked();
});

test("a tampered unsubscribe link, or one for a user that no longer exists, is not valid and changes nothing", async ({ browser }) => {
  const athlete = await createUser("athlete", "unsub-tampered");
  const visitor = await (await browser.newContext()).newPage();
  const gone = await createUser("athlete", "unsub-gone");
  const goneToken = unsubscribeToken(gone.id, "reconnect_requests");
  await withTestDb((db) => db.run("DELETE FROM users WHERE id = ?", [gone.id]));

  for (const path of [
    unsubscribePath(tampered(unsubscribeToken(athlete.id, "connection_alerts"))),
    unsubscribePath(`${unsubscribeToken(athlete.id, "connection_alerts").split(".").slice(0, 2).join(".")}.`),
    unsubscribePath(goneToken),
    "/unsubscribe",
  ]) {
    await visitor.goto(path);
    await expect(visitor.getByRole("heading", { level: 1 }), path).toHaveText("This unsubscribe link is not valid");
    await expect(visitor.getByRole("link", { name: "Sign in to change your email settings" })).toHaveAttribute("href", "/settings");
    await expect(visitor.getByRole("button", { name: "Unsubscribe" })).toHaveCount(0);
  }
  await expectNoSeriousAxeViolations(visitor, "/unsubscribe (not valid)");
  expect(await storedPreference(athlete.id, "connection_alerts")).toBeUndefined();
});

test("one-click unsubscribe (RFC 8058): a POST without session or Origin turns the kind off; bad tokens and bodies change nothing", async () => {
  const athlete = await createUser("athlete", "oneclick-athlete");
  const token = unsubscribeToken(athlete.id, "reconnect_requests");
  const api = await playwrightRequest.newContext({ baseURL: APP_URL });

  const badToken = await api.post(oneClickPath(tampered(token)), { form: ONE_CLICK });
  expect(badToken.status()).toBe(400);
  expect(await badToken.json()).toEqual({ error: "This unsubscribe link is not valid." });
  const otherKind = await api.post(oneClickPath(token.replace(".reconnect_requests.", ".connection_alerts.")), { form: ONE_CLICK });
  expect(otherKind.status()).toBe(400);
  const noToken = await api.post("/api/unsubscribe", { form: ONE_CLICK });
  expect(noToken.status()).toBe(400);
  const wrongBody = await api.post(oneClickPath(token), { form: { "List-Unsubscribe": "Yes" } });
  expect(wrongBody.status()).toBe(400);
  const tooLarge = await api.post(oneClickPath(token), {
    data: `List-Unsubscribe=One-Click&padding=${"x".repeat(4096)}`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  expect(tooLarge.status()).toBe(413);
  const foreign = await api.post(oneClickPath(token), { form: ONE_CLICK, headers: { origin: "https://evil.example" } });
  expect(foreign.status()).toBe(403);
  expect(await storedPreference(athlete.id, "reconnect_requests")).toBeUndefined();
  expect(await storedPreference(athlete.id, "connection_alerts")).toBeUndefined();

  const ok = await api.post(oneClickPath(token), { form: ONE_CLICK });
  expect(ok.status()).toBe(200);
  expect(ok.headers()["cache-control"]).toContain("no-store");
  expect(await ok.json()).toEqual({ ok: true });
  expect(await storedPreference(athlete.id, "reconnect_requests")).toBe(false);
  expect(await storedPreference(athlete.id, "connection_alerts")).toBeUndefined();
  // Mail providers may repeat it: still 200, still off.
  expect((await api.post(oneClickPath(token), { form: ONE_CLICK })).status()).toBe(200);
  expect(await storedPreference(athlete.id, "reconnect_requests")).toBe(false);
});
