import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { accountsOf, createUser, eventsOf } from "./fixtures/db";
import { sandboxRequests, sandboxUsername, setSandboxMode } from "./fixtures/sandbox";
import { SANDBOX_URL } from "./config";

const card = (page: Page, name: string) => page.getByRole("region", { name });

/** Every URL the page committed (what the address bar showed), for the token-in-URL checks. */
function recordAddressBar(page: Page): string[] {
  const urls: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  return urls;
}

test.afterEach(async () => {
  await setSandboxMode("exorlive", "normal");
  await setSandboxMode("fitrankings", "normal");
});

test.describe("FitRankings (token in the callback URL)", () => {
  test("links through the 400×600 popup; no address bar ever shows the token", async ({ page }) => {
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    const popupPromise = page.waitForEvent("popup");
    await card(page, "FitRankings").getByRole("button", { name: "Connect" }).click();
    const popup = await popupPromise;
    const popupUrls = recordAddressBar(popup);
    const callback = popup.waitForResponse((r) => r.url().includes("/api/connections/fitrankings/callback"));
    await popup.getByLabel("Username").fill(sandboxUsername("fr-popup"));
    expect(popup.viewportSize()).toEqual({ width: 400, height: 600 });
    await popup.getByRole("button", { name: "Approve" }).click();

    const response = await callback;
    expect(response.status()).toBe(303);
    expect(response.headers()["cache-control"]).toBe("no-store");
    expect(response.headers()["referrer-policy"]).toBe("no-referrer");
    expect(response.headers().location).not.toContain("token");

    await expect(page).toHaveURL(/\/connections\?linked=fitrankings$/);
    await expect.poll(() => popup.isClosed()).toBe(true);
    for (const url of popupUrls) expect(url).not.toContain("token=");
    const fitrankings = card(page, "FitRankings");
    await expect(fitrankings).toContainText("Connected");
    await expect(fitrankings).toContainText("Does not expire");
    const [row] = await accountsOf(athlete.id);
    expect(row).toMatchObject({ provider: "fitrankings", state: "connected", expires_at: null });
    expect(row?.provider_account_id).toMatch(/^\d+$/);
    expect(row?.access_token).toMatch(/^v1\./);
  });

  test("falls back to a full-page redirect when popups are blocked", async ({ page }) => {
    await page.addInitScript(() => {
      window.open = () => null;
    });
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    const urls = recordAddressBar(page);
    await card(page, "FitRankings").getByRole("button", { name: "Connect" }).click();
    await expect(page).toHaveURL(new RegExp(`^${SANDBOX_URL}/fitrankings/iq/oauth2/`));
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page).toHaveURL(/\/connections\?linked=fitrankings$/);
    await expect(card(page, "FitRankings")).toContainText("Connected");
    for (const url of urls) expect(url).not.toContain("token=");
    expect(await accountsOf(athlete.id)).toHaveLength(1);

    await card(page, "FitRankings").getByRole("button", { name: "Disconnect" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
    await expect(card(page, "FitRankings")).toContainText("Not connected");
    await expect(card(page, "FitRankings").getByRole("status")).toContainText("remove TrainLink in your FitRankings account settings");
    expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "disconnected", access_token: null });
  });

  test("a refusal at FitRankings (no token in the callback) stores nothing", async ({ page }) => {
    await page.addInitScript(() => {
      window.open = () => null;
    });
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    await card(page, "FitRankings").getByRole("button", { name: "Connect" }).click();
    await page.getByRole("button", { name: "Deny" }).click();
    await expect(page).toHaveURL(/\/connections\?error=access_denied&service=fitrankings/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("You chose Deny at FitRankings");
    expect(await accountsOf(athlete.id)).toHaveLength(0);
  });

  test("a callback with a wrong or missing state stores nothing", async ({ page }) => {
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    for (const path of ["/api/connections/fitrankings/callback/forged", "/api/connections/fitrankings/callback?state=forged"]) {
      const response = await page.request.get(`${path}${path.includes("?") ? "&" : "?"}token=sbx-fr-ut-forged&user_id=424242`, { maxRedirects: 0 });
      expect(response.status()).toBe(303);
      expect(response.headers()["cache-control"]).toBe("no-store");
      expect(response.headers().location).toMatch(/\/connections\?error=state_invalid&service=fitrankings$/);
    }
    await page.goto("/connections?error=state_invalid&service=fitrankings");
    await expect(page.getByRole("main").getByRole("alert")).toContainText("could not be verified");
    expect(await accountsOf(athlete.id)).toHaveLength(0);
    expect((await eventsOf(athlete.id)).at(-1)).toMatchObject({ service: "fitrankings", kind: "link_failed" });
  });

  test("a hand-made callback with the athlete's own state stores nothing unless FitRankings confirms the token and the user", async ({ page }) => {
    await page.addInitScript(() => {
      window.open = () => null;
    });
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    /** Runs Connect, then approves as `username` outside the browser: the callback URL FitRankings built, not followed. */
    const approveAndCatch = async (username: string) => {
      await card(page, "FitRankings").getByRole("button", { name: "Connect" }).click();
      const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Approve" }) });
      const action = new URL((await form.getAttribute("action"))!, page.url());
      const body = new URLSearchParams({ request_id: (await form.locator('input[name="request_id"]').inputValue())!, username, decision: "approve" });
      const decided = await fetch(action, { method: "POST", body, redirect: "manual" });
      await page.goto("/connections");
      return new URL(decided.headers.get("location")!);
    };
    const verifications = async () => (await sandboxRequests({ service: "fitrankings", endpoint: "verify" })).length;

    // The athlete's own real token, but another user's id: FitRankings names the token's owner, who differs.
    const own = await approveAndCatch(sandboxUsername("fr-own"));
    const state = own.pathname.split("/").at(-1)!;
    expect(own.searchParams.get("state")).toBeNull(); // the state is in the path, not the query
    const before = await verifications();
    const victim = String(Number(own.searchParams.get("user_id")) + 1);
    await page.goto(`/api/connections/fitrankings/callback/${state}?token=${own.searchParams.get("token")}&user_id=${victim}`);
    await expect(page).toHaveURL(/\/connections\?error=token_unverified&service=fitrankings$/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("FitRankings did not confirm this connection");
    expect(await verifications()).toBe(before + 1);

    // A made-up token with a fresh state of this athlete: FitRankings rejects it.
    const second = await approveAndCatch(sandboxUsername("fr-forged"));
    await page.goto(`/api/connections/fitrankings/callback/${second.pathname.split("/").at(-1)}?token=sbx-fr-ut-made-up&user_id=${victim}`);
    await expect(page).toHaveURL(/\/connections\?error=token_unverified&service=fitrankings$/);

    expect(await accountsOf(athlete.id)).toHaveLength(0);
    const failures = (await eventsOf(athlete.id)).filter((e) => e.kind === "link_failed").map((e) => e.detail);
    expect(failures).toEqual([
      expect.stringMatching(/^token_unverified: the callback claimed user \d+, FitRankings says the token is user \d+'s$/),
      expect.stringMatching(/^token_unverified: FitRankings did not accept the user token \(HTTP 401\)$/),
    ]);
  });

  test("a signed-out callback stores nothing and asks to sign in again", async ({ page }) => {
    const response = await page.request.get("/api/connections/fitrankings/callback?state=any&token=sbx-fr-ut-anon&user_id=777", { maxRedirects: 0 });
    expect(response.status()).toBe(303);
    expect(response.headers()["referrer-policy"]).toBe("no-referrer");
    expect(response.headers().location).toMatch(/\/login\?notice=link_signed_out$/);
    await page.goto(response.headers().location!);
    await expect(page.getByRole("status")).toContainText("nothing was stored");
  });
});

test.describe("ExorLive (linked by an admin, server to server)", () => {
  test("an admin links ExorLive for an athlete, who sees it connected and can disconnect it", async ({ page, browser }) => {
    const athlete = await createUser("athlete", "exor-athlete");
    const exorliveUserId = String(100000 + Math.floor(Math.random() * 800000));

    const athletePage = await (await browser.newContext()).newPage();
    await signIn(athletePage, athlete.email, athlete.password);
    const before = card(athletePage, "ExorLive");
    // No dead Connect button: the athlete asks an administrator instead (e2e/exorlive-requests.spec.ts).
    await expect(before.getByRole("button", { name: "Ask an administrator to link ExorLive" })).toBeVisible();
    await expect(before.getByRole("button", { name: "Connect" })).toHaveCount(0);
    await expect(before).toContainText("Your coach or an administrator links ExorLive for you");

    await signIn(page, "admin@example.com", "demo1234");
    // From the athlete's admin page: the shortcut opens the form with their email filled in.
    await page.goto(`/admin/users/${athlete.id}`);
    await page.getByRole("link", { name: "link ExorLive" }).click();
    await expect(page.getByLabel("Athlete (name or email)")).toHaveValue(athlete.email);
    await page.getByLabel("ExorLive user ID").fill(exorliveUserId);
    await page.getByRole("button", { name: "Link ExorLive" }).click();
    const confirm = page.getByRole("dialog", { name: "Link ExorLive?" });
    await expect(confirm).toContainText(`Link ExorLive user ${exorliveUserId} to Test exor-athlete (${athlete.email})?`);
    await confirm.getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByRole("status").filter({ hasText: "ExorLive is linked" })).toContainText(`ExorLive user ${exorliveUserId}`);
    const grants = (await sandboxRequests({ service: "exorlive" })).filter((r) => r.account === exorliveUserId);
    expect(grants.map((r) => r.endpoint)).toEqual(["authorize", "token"]);

    await athletePage.reload();
    const exorlive = card(athletePage, "ExorLive");
    await expect(exorlive).toContainText("Connected");
    await expect(exorlive.getByRole("list", { name: "Granted scopes" })).toContainText("read_profile");
    await expect(exorlive).toContainText(/Access token expires\s*in 2 hours/);
    const [row] = await accountsOf(athlete.id);
    expect(row).toMatchObject({ provider: "exorlive", provider_account_id: exorliveUserId, state: "connected" });
    const now = Math.floor(Date.now() / 1000);
    expect(row!.expires_at! - now).toBeGreaterThan(7100);
    expect(row!.expires_at! - now).toBeLessThanOrEqual(7200);

    await exorlive.getByRole("button", { name: "Disconnect" }).click();
    await athletePage.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
    await expect(exorlive).toContainText("Not connected");
    await expect(exorlive.getByRole("status")).toContainText("ask ExorLive support to remove the link");
  });

  for (const [mode, message] of [
    ["unknown_user", "ExorLive does not know user ID"],
    ["token_503", "ExorLive could not be reached"],
  ] as const) {
    test(`the admin gets a clear message and nothing is stored when ExorLive answers ${mode}`, async ({ page }) => {
      const athlete = await createUser("athlete", `exor-${mode}`);
      await setSandboxMode("exorlive", mode);
      await signIn(page, "admin@example.com", "demo1234");
      await page.goto("/admin/services");
      await page.getByLabel("Athlete (name or email)").fill(athlete.email);
      await page.getByLabel("ExorLive user ID").fill("4242");
      await page.getByRole("button", { name: "Link ExorLive" }).click();
      await page.getByRole("dialog", { name: "Link ExorLive?" }).getByRole("button", { name: "Confirm" }).click();
      await expect(page.getByRole("main").getByRole("alert")).toContainText(message);
      await expect(page.getByRole("main").getByRole("alert")).toContainText("Nothing was stored");
      expect(await accountsOf(athlete.id)).toHaveLength(0);
    });
  }

  test("an email that is no active athlete's is refused before ExorLive is asked", async ({ page }) => {
    const coach = await createUser("coach", "exor-not-athlete");
    const before = (await sandboxRequests({ service: "exorlive" })).length;
    await signIn(page, "admin@example.com", "demo1234");
    await page.goto("/admin/services");
    for (const email of ["nobody-at-all@example.com", coach.email]) {
      await page.getByLabel("Athlete (name or email)").fill(email);
      await page.getByLabel("ExorLive user ID").fill("4242");
      await page.getByRole("button", { name: "Link ExorLive" }).click();
      await expect(page.getByRole("main").getByRole("alert")).toContainText(`No active athlete has the email ${email}`);
    }
    expect(await accountsOf(coach.id)).toHaveLength(0);
    expect(await sandboxRequests({ service: "exorlive" })).toHaveLength(before);
  });
});

test("the FitRankings master token is obtained once, reused, and renewed when FitRankings rejects it", async ({ page }) => {
  await signIn(page, "admin@example.com", "demo1234");
  await page.goto("/admin/services");
  const credentials = page.getByRole("region", { name: "Service credentials" });
  const masterRequests = async () => (await sandboxRequests({ service: "fitrankings", endpoint: "master-token" })).length;
  const start = await masterRequests();

  await credentials.getByRole("button", { name: "Check access" }).click();
  await expect(credentials.getByRole("status")).toContainText("FitRankings accepted the master token");
  await expect(credentials).toContainText(/Master token: held, obtained/);
  expect(await masterRequests()).toBe(start + (start === 0 ? 1 : 0));

  await page.reload();
  await credentials.getByRole("button", { name: "Check access" }).click();
  await expect(credentials.getByRole("status")).toContainText("FitRankings accepted the master token");
  const afterReuse = await masterRequests();
  expect(afterReuse).toBe(start === 0 ? 1 : start);

  await fetch(`${SANDBOX_URL}/__sandbox/fitrankings/rotate-master-token`, { method: "POST" });
  await page.reload();
  await credentials.getByRole("button", { name: "Check access" }).click();
  await expect(credentials.getByRole("status")).toContainText("FitRankings accepted the master token");
  expect(await masterRequests()).toBe(afterReuse + 1);

  await credentials.getByRole("button", { name: "Renew" }).click();
  await expect(credentials.getByRole("status").filter({ hasText: "A new FitRankings master token was obtained" })).toBeVisible();
  await expect(credentials).not.toContainText("sbx-fr-mt");
});
