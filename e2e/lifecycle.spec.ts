import { expect, test } from "@playwright/test";
import { APP_URL, SANDBOX_URL } from "./config";
import { signIn } from "./fixtures/auth";
import { card, linkInSandbox } from "./fixtures/connections";
import { accountsOf, createUser, eventsOf, pretendSecondsPassed, withTestDb } from "./fixtures/db";
import { sandboxUsername, setSandboxMode } from "./fixtures/sandbox";

test.afterEach(async () => {
  await setSandboxMode("trainerday", "normal");
  await setSandboxMode("enduco", "normal");
});

test("Refresh shows the new expiry; a refused refresh needs a reconnect, which works in the browser", async ({ page }) => {
  const athlete = await createUser("athlete");
  await signIn(page, athlete.email, athlete.password);
  const username = sandboxUsername("td-life");
  await linkInSandbox(page, "TrainerDay", username);
  const trainerday = card(page, "TrainerDay");

  await trainerday.getByRole("button", { name: "Refresh" }).click();
  await expect(trainerday.getByRole("status")).toContainText(/TrainerDay refreshed: the new access token expires in (60|59) minutes/);
  await expect(trainerday).toContainText("Last refreshed");
  // Once per 30 s: a second click right away is refused without asking TrainerDay.
  await trainerday.getByRole("button", { name: "Refresh" }).click();
  await expect(trainerday.getByRole("alert")).toContainText(/was refreshed moments ago\. You can refresh it again in \d+ seconds?\./);
  await pretendSecondsPassed(athlete.id, 31);

  await setSandboxMode("trainerday", "refresh_invalid_grant");
  await trainerday.getByRole("button", { name: "Refresh" }).click();
  await expect(trainerday.getByRole("alert")).toContainText("Refreshing TrainerDay did not work.");
  await expect(trainerday).toContainText("Needs reconnect");
  await expect(trainerday.getByRole("note")).toContainText("TrainerDay stopped accepting TrainLink. Reconnect to fix it.");
  expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "needs_reauth" });

  await setSandboxMode("trainerday", "normal");
  await linkInSandbox(page, "TrainerDay", username);
  await expect(trainerday).toContainText("Connected");
  await expect(trainerday.getByRole("button", { name: "Refresh" })).toBeEnabled();
  expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "connected" });

  await trainerday.getByRole("link", { name: "History of TrainerDay" }).click();
  const history = page.getByRole("list", { name: "TrainerDay history" });
  // The alert the background worker wrote meanwhile ("Athlete alerted", then "Working again") is e2e/alerts.spec.ts's.
  await expect(history).toContainText("Athlete alerted");
  const entries = history.getByRole("listitem").filter({ hasNotText: /Athlete alerted|Working again/ });
  await expect(entries).toHaveCount(5);
  await expect(entries.nth(0)).toContainText("Linked");
  await expect(entries.nth(1)).toContainText("Needs reconnect");
  await expect(entries.nth(2)).toContainText("Refresh failed");
  await expect(entries.nth(3)).toContainText("Access token refreshed");
  await expect(history).not.toContainText("sbx-");
});

test("a service outage during Refresh keeps the connection, says so, and the next success clears it", async ({ page }) => {
  const athlete = await createUser("athlete");
  await signIn(page, athlete.email, athlete.password);
  await linkInSandbox(page, "enduco", sandboxUsername("en-outage"));
  const enduco = card(page, "enduco");
  await setSandboxMode("enduco", "token_503");
  await enduco.getByRole("button", { name: "Refresh" }).click();
  await expect(enduco.getByRole("alert")).toContainText("Refreshing enduco did not work.");
  await expect(enduco).toContainText("Refresh failing");
  await expect(enduco.getByRole("note")).toContainText("enduco is not answering right now. TrainLink will try again automatically.");
  expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "connected" });

  await setSandboxMode("enduco", "normal");
  await pretendSecondsPassed(athlete.id, 31);
  await enduco.getByRole("button", { name: "Refresh" }).click();
  await expect(enduco.getByRole("status")).toContainText("enduco refreshed");
  await expect(enduco).toContainText("Connected");
  await expect(enduco.getByRole("note")).toHaveCount(0);
});

test("a refused client secret is the operator's problem: the athlete keeps the connection, the admin sees the service flagged, and it clears by itself", async ({
  page,
  browser,
}) => {
  const athlete = await createUser("athlete");
  await signIn(page, athlete.email, athlete.password);
  await linkInSandbox(page, "TrainerDay", sandboxUsername("td-client"));
  const trainerday = card(page, "TrainerDay");
  await setSandboxMode("trainerday", "client_rejected");
  await trainerday.getByRole("button", { name: "Refresh" }).click();
  await expect(trainerday.getByRole("alert")).toContainText("TrainerDay is not accepting TrainLink itself right now");
  await expect(trainerday).not.toContainText("Needs reconnect");
  expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "connected", failure_count: 0 });

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@example.com", "demo1234");
  await admin.goto("/admin/services");
  await expect(admin.getByText("Credentials rejected")).toBeVisible();
  await expect(admin.getByRole("main").getByRole("alert")).toContainText("TrainerDay has refused TrainLink's client credentials");

  await setSandboxMode("trainerday", "normal");
  await trainerday.getByRole("button", { name: "Refresh" }).click();
  await expect(trainerday.getByRole("status")).toContainText("TrainerDay refreshed");
  await admin.reload();
  await expect(admin.getByText("Credentials rejected")).toHaveCount(0);
});

test("the background refresher renews a token before it expires, with no user action", async ({ page }) => {
  const athlete = await createUser("athlete");
  await signIn(page, athlete.email, athlete.password);
  await setSandboxMode("trainerday", "short_expiry");
  await linkInSandbox(page, "TrainerDay", sandboxUsername("td-bg"));
  await setSandboxMode("trainerday", "normal");
  const [linked] = await accountsOf(athlete.id);
  expect(linked!.expires_at! - Date.now() / 1000).toBeLessThan(310);

  // Due 5 s after linking (305 s lifetime, 300 s margin); the e2e server runs the refresher every second.
  await expect.poll(async () => (await accountsOf(athlete.id))[0]!.expires_at! - Date.now() / 1000, { timeout: 20_000 }).toBeGreaterThan(3000);
  expect((await accountsOf(athlete.id))[0]!.access_token).not.toBe(linked!.access_token);
  expect((await eventsOf(athlete.id)).map((e) => e.kind)).toEqual(["linked", "refreshed"]);
  await page.reload();
  await expect(card(page, "TrainerDay")).toContainText("Connected");
  await expect(card(page, "TrainerDay")).toContainText("Last refreshed");
});

test.describe("enduco webhooks", () => {
  const webhook = async (kind: "deregister" | "plan_changed", account: string) => {
    const response = await fetch(`${SANDBOX_URL}/__sandbox/enduco/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind, account }),
    });
    return (await response.json()) as { delivered?: boolean; status?: number };
  };

  test("plan changed is shown on the card; deregister revokes the connection; both are in the history", async ({ page }) => {
    const athlete = await createUser("athlete");
    await signIn(page, athlete.email, athlete.password);
    const username = sandboxUsername("en-hook");
    await linkInSandbox(page, "enduco", username);

    expect(await webhook("plan_changed", username)).toEqual({ delivered: true, status: 200 });
    await page.reload();
    const enduco = card(page, "enduco");
    await expect(enduco).toContainText("Plan changed");
    await expect(enduco).toContainText("Connected");

    expect(await webhook("deregister", username)).toEqual({ delivered: true, status: 200 });
    await page.reload();
    await expect(enduco).toContainText("Revoked by service");
    await expect(enduco.getByRole("note")).toContainText("Access was cancelled at enduco");
    await expect(enduco.getByRole("button", { name: "Connect" })).toBeEnabled();
    expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "revoked_by_service", access_token: null, refresh_token: null });

    await enduco.getByRole("link", { name: "History of enduco" }).click();
    const history = page.getByRole("list", { name: "enduco history" });
    const entries = history.getByRole("listitem").filter({ hasNotText: "Athlete alerted" }); // the worker's alert
    await expect(entries.nth(0)).toContainText("Access cancelled at the service");
    await expect(entries.nth(0)).toContainText("enduco");
    await expect(entries.nth(1)).toContainText("Plan changed");
  });

  test("a wrong secret, a bad body or an unknown user changes nothing", async ({ request }) => {
    const athlete = await createUser("athlete");
    const deliveriesBefore = await withTestDb(async (db) => {
      await db.run(
        "INSERT INTO accounts (id, user_id, provider, provider_account_id, access_token, state, updated_at) VALUES (?, ?, 'enduco', ?, 'v1.x.y.z.w', 'connected', ?)",
        [`acc-${athlete.id}`, athlete.id, `hook${athlete.id.slice(0, 8)}`, new Date(0)],
      );
      return (await db.get<{ n: number }>("SELECT count(*) AS n FROM webhook_deliveries"))!.n;
    });
    const url = (event: string, secret = "sandbox-enduco-webhook-secret") => `${APP_URL}/api/webhooks/enduco/${event}/${secret}`;
    const userId = `hook${athlete.id.slice(0, 8)}`;

    expect((await request.post(url("deregister", "wrong-secret-value-123"), { data: { userId } })).status()).toBe(404);
    expect((await request.post(url("unknown-event"), { data: { userId } })).status()).toBe(404);
    // A wrong secret is refused before the body is read: even 1 MB writes nothing.
    expect((await request.post(url("deregister", "wrong-secret-value-123"), { data: "x".repeat(1_000_000) })).status()).toBe(404);
    expect(
      (
        await request.post(url("deregister"), {
          data: JSON.stringify({ userId, pad: "x".repeat(70_000) }),
          headers: { "content-type": "application/json" },
        })
      ).status(),
    ).toBe(413);
    expect((await request.post(url("deregister"), { data: { nothing: "here" } })).status()).toBe(400);
    expect((await request.post(url("deregister"), { data: "not json", headers: { "content-type": "application/json" } })).status()).toBe(400);
    expect((await request.post(url("deregister"), { data: { user_id: "nobody-we-know" } })).status()).toBe(202);
    expect((await accountsOf(athlete.id))[0]).toMatchObject({ state: "connected", access_token: "v1.x.y.z.w" });

    expect((await request.post(url("plan-changed"), { data: { sub: userId } })).status()).toBe(200);
    const deliveries = (await withTestDb((db) => db.get<{ n: number }>("SELECT count(*) AS n FROM webhook_deliveries")))!.n;
    // Recorded: only the calls with the right secret (413, two 400s, 202, 200).
    expect(deliveries - deliveriesBefore).toBe(5);
    expect((await eventsOf(athlete.id)).map((e) => e.kind)).toEqual(["plan_changed"]);
  });
});
