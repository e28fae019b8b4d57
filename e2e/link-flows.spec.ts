import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { APP_PORT, APP_URL } from "./config";
import { signIn, signInWithForm } from "./fixtures/auth";
import { accountsOf, createUser, databaseAtRest, eventsOf, withTestDb } from "./fixtures/db";
import { sandboxRequests, sandboxTokens, sandboxUsername, setSandboxMode, type Service } from "./fixtures/sandbox";

const card = (page: Page, name: string) => page.getByRole("region", { name });

/** Clicks Connect on a card and waits for the sandbox consent page. */
async function openConsent(page: Page, name: string) {
  await card(page, name).getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("button", { name: "Approve" })).toBeVisible();
}

/** Links a service through its consent page as `username`, leaving `uncheck` scopes unticked. */
async function link(page: Page, name: string, username: string, uncheck: string[] = []) {
  await openConsent(page, name);
  await page.getByLabel("Username").fill(username);
  for (const scope of uncheck) await page.getByLabel(scope, { exact: true }).uncheck();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/connections\?linked=/);
}

async function disconnect(page: Page, name: string) {
  await card(page, name).getByRole("button", { name: "Disconnect" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`Disconnect ${name}?`);
  await dialog.getByRole("button", { name: "Disconnect" }).click();
  await expect(dialog).toBeHidden();
}

async function tokenRequestCount(service: Service) {
  return (await sandboxRequests({ service, endpoint: "token" })).length;
}

test.afterEach(async () => {
  for (const service of ["trainerday", "enduco"] as const) await setSandboxMode(service, "normal");
});

test("the demo athlete links TrainerDay (one required scope unchecked, then granted) and enduco, sees the granted scopes, and disconnects both", async ({
  page,
}) => {
  await signIn(page, "athlete@example.com", "demo1234");
  await expect(page).toHaveURL(/\/connections$/);
  for (const name of ["TrainerDay", "enduco", "FitRankings", "ExorLive"]) await expect(card(page, name)).toContainText("Not connected");
  // Athletes see that these are sandbox services, never which base URL the server uses.
  await expect(card(page, "TrainerDay")).toContainText("Sandbox");
  await expect(page.getByRole("main")).not.toContainText(/Custom endpoint|127\.0\.0\.1/);
  await expect(card(page, "FitRankings").getByRole("button", { name: "Connect" })).toBeEnabled();
  await expect(card(page, "ExorLive").getByRole("button", { name: "Connect" })).toHaveCount(0);
  await expect(card(page, "ExorLive").getByRole("button", { name: "Ask an administrator to link ExorLive" })).toBeEnabled();

  const tdUser = sandboxUsername("td");
  await link(page, "TrainerDay", tdUser, ["workout:read"]);
  await expect(page.getByRole("status").filter({ hasText: "TrainerDay is connected." })).toBeVisible();
  const trainerday = card(page, "TrainerDay");
  // workout:read is one of TrainerDay's required scopes: linked, but missing a permission the product needs.
  await expect(trainerday).toContainText("Missing permissions");
  await expect(trainerday.getByRole("list", { name: "Granted scopes" })).toContainText("athlete:read");
  await expect(trainerday.getByRole("list", { name: "Granted scopes" })).toContainText("calendar:read");
  await expect(trainerday.getByRole("list", { name: "Granted scopes" })).not.toContainText("workout:read");
  await expect(trainerday.getByRole("list", { name: "Missing permissions" })).toContainText("workout:read");
  await expect(trainerday.getByRole("list", { name: "Missing permissions" })).toContainText("See your TrainerDay workouts");
  await expect(trainerday.getByRole("list", { name: "Requested but not granted" })).toHaveCount(0);
  await expect(trainerday).toContainText("Access token expires");
  await expect(trainerday).toContainText("Last verified");

  // Grant missing permissions runs the consent again, asking for every requested scope.
  await trainerday.getByRole("button", { name: "Grant missing permissions" }).click();
  await expect(page.getByRole("button", { name: "Approve" })).toBeVisible();
  await expect(page.getByLabel("workout:read", { exact: true })).toBeChecked();
  await page.getByLabel("Username").fill(tdUser);
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/connections\?linked=trainerday/);
  await expect(trainerday).toContainText("Connected");
  await expect(trainerday.getByRole("list", { name: "Granted scopes" })).toContainText("workout:read");
  await expect(trainerday).not.toContainText("Missing permissions");

  const enUser = sandboxUsername("en");
  await link(page, "enduco", enUser);
  const enduco = card(page, "enduco");
  await expect(enduco).toContainText("Connected");
  for (const scope of ["plans_read", "user_read", "workouts_write"]) {
    await expect(enduco.getByRole("list", { name: "Granted scopes" })).toContainText(scope);
  }
  await expect(enduco).toContainText("Fetch your training plans up to 7 days ahead");

  // Sealed at rest: no token the sandbox issued appears in the raw database file or its WAL (PostgreSQL: in any
  // value of any row; see databaseAtRest).
  const issued = (await sandboxTokens()).filter((t) => t.account === tdUser || t.account === enUser);
  expect(issued.length).toBeGreaterThanOrEqual(4);
  const raw = await databaseAtRest();
  for (const token of issued) expect(raw.includes(Buffer.from(token.value)), `${token.service} ${token.kind} token in the raw db`).toBe(false);

  // Two connected cards on one page: still no serious accessibility problem (e.g. duplicate ids).
  const serious = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious).toEqual([]);

  // ...and none reaches the page.
  const html = await page.content();
  for (const token of issued) expect(html.includes(token.value)).toBe(false);

  await disconnect(page, "TrainerDay");
  await expect(trainerday).toContainText("Not connected");
  await expect(trainerday.getByRole("status")).toContainText("TrainerDay was disconnected and its access revoked.");
  await disconnect(page, "enduco");
  await expect(enduco).toContainText("Not connected");

  const revocations = await sandboxRequests({ endpoint: "revoke" });
  // TrainerDay: the refresh token first (it ends the grant at a standard server), then the documented access token.
  expect(revocations.filter((r) => r.service === "trainerday" && r.account === tdUser && r.status === 200)).toHaveLength(2);
  expect(revocations.filter((r) => r.service === "enduco" && r.account === enUser && r.status === 200)).toHaveLength(1);
  const rows = await withTestDb((db) =>
    db.all<{ provider: string; state: string; access_token: string | null; refresh_token: string | null }>(
      "SELECT provider, state, access_token, refresh_token FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = ?",
      ["athlete@example.com"],
    ),
  );
  expect(rows).toHaveLength(2);
  for (const row of rows) expect(row).toMatchObject({ state: "disconnected", access_token: null, refresh_token: null });
});

test("opened under another name of this machine (127.0.0.1), the app moves to NEXTAUTH_URL's host first, so linking keeps the session", async ({
  page,
}) => {
  const athlete = await createUser("athlete", "loopback");
  const otherName = `http://127.0.0.1:${APP_PORT}`;
  await page.goto(`${otherName}/connections?from=address-bar`);
  // No session cookie on that host name: the proxy sends the visitor to sign in with the page asked for, then the
  // login page moves to NEXTAUTH_URL's host, keeping it.
  await expect(page).toHaveURL(`${APP_URL}/login?callbackUrl=%2Fconnections%3Ffrom%3Daddress-bar`);
  const direct = await page.request.get(`${otherName}/login?x=1`, { maxRedirects: 0 });
  expect(direct.status()).toBe(307);
  expect(direct.headers().location).toBe(`${APP_URL}/login?x=1`);

  await signInWithForm(page, athlete.email, athlete.password);
  await link(page, "TrainerDay", sandboxUsername("td-loopback"));
  await expect(page).toHaveURL(`${APP_URL}/connections?linked=trainerday`);
  await expect(card(page, "TrainerDay")).toContainText("Connected");
  expect(await accountsOf(athlete.id)).toHaveLength(1);
});

test.describe("refused callbacks store nothing and explain what happened", () => {
  test("Deny on the consent page", async ({ page }) => {
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    const before = await tokenRequestCount("trainerday");
    await openConsent(page, "TrainerDay");
    await page.getByRole("button", { name: "Deny" }).click();
    await expect(page).toHaveURL(/\/connections\?error=access_denied&service=trainerday/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("You chose Deny at TrainerDay, so nothing was connected.");
    await expect(card(page, "TrainerDay")).toContainText("Not connected");
    expect(await accountsOf(athlete.id)).toHaveLength(0);
    expect(await tokenRequestCount("trainerday")).toBe(before);
    expect((await eventsOf(athlete.id)).at(-1)).toMatchObject({ service: "trainerday", kind: "link_failed" });
  });

  test("a callback with a wrong state", async ({ page }) => {
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    await openConsent(page, "enduco");
    const before = await tokenRequestCount("enduco");
    await page.goto("/api/auth/callback/enduco?code=forged-code&state=not-the-state-we-sent");
    await expect(page).toHaveURL(/\/connections\?error=state_invalid&service=enduco/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("could not be verified");
    expect(await accountsOf(athlete.id)).toHaveLength(0);
    expect(await tokenRequestCount("enduco")).toBe(before);
  });

  test("a replayed state (the same callback opened twice)", async ({ page }) => {
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    const callback = page.waitForRequest((r) => r.url().includes("/api/auth/callback/trainerday"));
    await link(page, "TrainerDay", sandboxUsername("td-replay"));
    const callbackUrl = (await callback).url();
    const [stored] = await accountsOf(athlete.id);
    const before = await tokenRequestCount("trainerday");

    await page.goto(callbackUrl);
    await expect(page).toHaveURL(/\/connections\?error=state_invalid&service=trainerday/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("already used");
    expect(await tokenRequestCount("trainerday")).toBe(before);
    expect(await accountsOf(athlete.id)).toEqual([stored]);
    await expect(card(page, "TrainerDay")).toContainText("Connected");
  });

  test("a callback with no code", async ({ page }) => {
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    await openConsent(page, "TrainerDay");
    const state = new URL(page.url()).searchParams.get("state");
    expect(state).toBeTruthy();
    const before = await tokenRequestCount("trainerday");
    await page.goto(`/api/auth/callback/trainerday?state=${encodeURIComponent(state!)}`);
    await expect(page).toHaveURL(/\/connections\?error=missing_code&service=trainerday/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("sent you back without your approval");
    expect(await accountsOf(athlete.id)).toHaveLength(0);
    expect(await tokenRequestCount("trainerday")).toBe(before);
  });

  test("the token endpoint is down", async ({ page }) => {
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    await setSandboxMode("trainerday", "token_503");
    await openConsent(page, "TrainerDay");
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page).toHaveURL(/\/connections\?error=exchange_failed&service=trainerday/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("could not be reached to finish linking");
    expect(await accountsOf(athlete.id)).toHaveLength(0);
  });
});

test("link flows started in two tabs do not break each other (two services, and the same service twice)", async ({ page }) => {
  const athlete = await createUser("athlete");
  await signIn(page, athlete.email, athlete.password);
  const second = await page.context().newPage();
  await second.goto("/connections");
  // Tab 1 starts TrainerDay, tab 2 starts enduco; tab 1 finishes first, then tab 2.
  await openConsent(page, "TrainerDay");
  await openConsent(second, "enduco");
  await page.getByLabel("Username").fill(sandboxUsername("td-tab1"));
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/connections\?linked=trainerday$/);
  await second.getByLabel("Username").fill(sandboxUsername("en-tab2"));
  await second.getByRole("button", { name: "Approve" }).click();
  await expect(second).toHaveURL(/\/connections\?linked=enduco$/);
  expect((await accountsOf(athlete.id)).map((a) => `${a.provider}:${a.state}`).sort()).toEqual(["enduco:connected", "trainerday:connected"]);

  // The same service in both tabs, finished in the order they were started: both complete.
  await page.goto("/connections");
  await second.goto("/connections");
  await card(page, "TrainerDay").getByRole("button", { name: "Disconnect" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(card(page, "TrainerDay")).toContainText("Not connected");
  await second.reload();
  await openConsent(page, "TrainerDay");
  await openConsent(second, "TrainerDay");
  for (const tab of [page, second]) {
    await tab.getByLabel("Username").fill(sandboxUsername("td-twice"));
    await tab.getByRole("button", { name: "Approve" }).click();
    await expect(tab).toHaveURL(/\/connections\?linked=trainerday$/);
  }
  expect((await eventsOf(athlete.id)).filter((e) => e.service === "trainerday").map((e) => e.kind)).toEqual([
    "linked",
    "disconnected",
    "linked",
    "relinked",
  ]);
});

test("enduco: when grant_type=code is refused, the exchange retries once with authorization_code and records it", async ({ page }) => {
  const athlete = await createUser("athlete");
  await signIn(page, athlete.email, athlete.password);
  await setSandboxMode("enduco", "standard_grant_only");
  const username = sandboxUsername("en-std");
  await link(page, "enduco", username);
  await expect(card(page, "enduco")).toContainText("Connected");
  const grants = (await sandboxRequests({ service: "enduco", endpoint: "token" }))
    .filter((r) => r.account === username || r.status !== 200)
    .slice(-2);
  expect(grants.map((r) => [r.grantType, r.status])).toEqual([
    ["code", 400],
    ["authorization_code", 200],
  ]);
  expect((await eventsOf(athlete.id)).at(-1)).toMatchObject({ kind: "linked", detail: expect.stringContaining("grant_type=authorization_code") });
  const [row] = await accountsOf(athlete.id);
  expect(row?.provider_account_id).toMatch(/^[0-9a-f]{24}$/);
  // The card names the linked enduco account (its id, never a token).
  await expect(card(page, "enduco").getByRole("definition").filter({ hasText: row!.provider_account_id! })).toBeVisible();
});

test("an unreachable revocation leaves the connection pending until the service accepts it", async ({ page }) => {
  const athlete = await createUser("athlete");
  await signIn(page, athlete.email, athlete.password);
  await link(page, "TrainerDay", sandboxUsername("td-revoke"));
  await setSandboxMode("trainerday", "revoke_503");
  await disconnect(page, "TrainerDay");
  const trainerday = card(page, "TrainerDay");
  await expect(trainerday.getByRole("status")).toContainText("TrainLink keeps asking TrainerDay");
  await expect(trainerday).toContainText("Disconnect pending");
  await expect(trainerday.getByRole("note")).toContainText("TrainLink keeps asking it to end the access");
  const [pending] = await accountsOf(athlete.id);
  expect(pending).toMatchObject({ state: "revocation_pending" });
  expect(pending?.access_token).toMatch(/^v1\./);

  await setSandboxMode("trainerday", "normal");
  await disconnect(page, "TrainerDay");
  await expect(trainerday).toContainText("Not connected");
  expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "disconnected", access_token: null, refresh_token: null });
});

test("a revocation the service refuses still disconnects, and the athlete is told how to remove access there", async ({ page }) => {
  const athlete = await createUser("athlete");
  await signIn(page, athlete.email, athlete.password);
  await link(page, "enduco", sandboxUsername("en-refused"));
  await setSandboxMode("enduco", "revoke_refused");
  await disconnect(page, "enduco");
  const enduco = card(page, "enduco");
  await expect(enduco).toContainText("Not connected");
  await expect(enduco).toContainText("remove TrainLink from the apps connected to your account");
  expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "disconnected", access_token: null, refresh_token: null });
  expect((await eventsOf(athlete.id)).map((e) => e.kind).slice(-2)).toEqual(["revocation_refused", "disconnected"]);
});

test("re-linking a connected service replaces its stored tokens and keeps one connection", async ({ page }) => {
  const athlete = await createUser("athlete");
  await signIn(page, athlete.email, athlete.password);
  await link(page, "TrainerDay", sandboxUsername("td-first"), ["calendar:read"]);
  const [first] = await accountsOf(athlete.id);

  // Start a second authorization while connected, as a Reconnect would.
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const start = await page.request.post("/api/auth/signin/trainerday", { form: { csrfToken, callbackUrl: "/connections", json: "true" } });
  const { url } = (await start.json()) as { url: string };
  await page.goto(url);
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/connections\?linked=trainerday/);

  const rows = await accountsOf(athlete.id);
  expect(rows).toHaveLength(1);
  expect(rows[0]?.id).toBe(first?.id);
  expect(rows[0]?.access_token).not.toBe(first?.access_token);
  expect(rows[0]?.refresh_token).not.toBe(first?.refresh_token);
  expect(rows[0]?.scope).toBe("athlete:read calendar:read workout:read");
  expect((await eventsOf(athlete.id)).map((e) => e.kind)).toEqual(["linked", "relinked"]);
  await expect(card(page, "TrainerDay").getByRole("list", { name: "Granted scopes" })).toContainText("calendar:read");
});
