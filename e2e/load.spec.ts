import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { APP_URL, SANDBOX_URL } from "./config";
import { signIn } from "./fixtures/auth";
import { createUser, withTestDb } from "./fixtures/db";
import { sandboxUsername, setSandboxMode } from "./fixtures/sandbox";

const ATHLETES = 10;

test("200 concurrent page requests across the three roles while the refresher runs into random 503s and timeouts: nothing lost, no refresh token spent twice", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const coach = await createUser("coach", "load-coach");
  const admin = await createUser("admin", "load-admin");
  const athletes = [];
  const sessions: { role: string; api: APIRequestContext; paths: string[] }[] = [];
  for (let i = 0; i < ATHLETES; i++) {
    const athlete = await createUser("athlete", `load-${i}`);
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, athlete.email, athlete.password);
    await page.getByRole("region", { name: "TrainerDay" }).getByRole("button", { name: "Connect" }).click();
    await page.getByLabel("Username").fill(sandboxUsername(`load-${i}`));
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page).toHaveURL(/linked=trainerday/);
    athletes.push(athlete);
    sessions.push({ role: "athlete", api: context.request, paths: ["/connections", "/connections/trainerday/history"] });
  }
  const ids = athletes.map((a) => a.id);
  await withTestDb(async (db) => {
    for (const id of ids) await db.run("INSERT INTO coach_athletes (coach_id, athlete_id) VALUES (?, ?)", [coach.id, id]);
    // Make every one of them due, so the background refresher (every second in e2e) works during the load.
    await db.run(`UPDATE accounts SET expires_at = ? WHERE user_id IN (${ids.map(() => "?").join(",")})`, [
      Math.floor(Date.now() / 1000) + 30,
      ...ids,
    ]);
  });
  for (const [user, paths] of [
    [coach, ["/coach", "/coach?attention=1", "/coach/export"]],
    [admin, ["/admin", "/admin/connections", "/admin/audit"]],
  ] as const) {
    const context = await browser.newContext();
    await signIn(await context.newPage(), user.email, user.password);
    sessions.push({ role: user === coach ? "coach" : "admin", api: context.request, paths: [...paths] });
  }

  const statsBefore = (await (await fetch(`${SANDBOX_URL}/__sandbox/stats`)).json()) as { refreshReuse: Record<string, number> };
  await fetch(`${SANDBOX_URL}/__sandbox/seed`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ seed: 7 }),
  });
  await setSandboxMode("trainerday", "random_faults");
  try {
    const requests = Array.from({ length: 200 }, (_, i) => {
      const session = sessions[i % sessions.length]!;
      return session.api.get(session.paths[i % session.paths.length]!, { maxRedirects: 0 }).then((r) => r.status());
    });
    const statuses = await Promise.all(requests);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 4000)); // the refresher keeps running into faults
  } finally {
    await setSandboxMode("trainerday", "normal");
  }

  const anonymous = await playwrightRequest.newContext({ baseURL: APP_URL });
  expect((await anonymous.get("/login")).status()).toBe(200);
  const rows = () =>
    withTestDb((db) =>
      db.all<{ state: string; access_token: string | null; refresh_token: string | null; expires_at: number }>(
        `SELECT state, access_token, refresh_token, expires_at FROM accounts WHERE user_id IN (${ids.map(() => "?").join(",")})`,
        ids,
      ),
    );
  for (const row of await rows()) {
    expect(row.state).toBe("connected");
    expect(row.access_token).toMatch(/^v1\./);
    expect(row.refresh_token).toMatch(/^v1\./);
  }
  // Once the service is healthy again, every connection is refreshed by the refresher alone (backoff is 30 s).
  await expect
    .poll(async () => (await rows()).filter((r) => r.state === "connected" && r.expires_at > Date.now() / 1000 + 3000).length, {
      timeout: 75_000,
      intervals: [2000],
    })
    .toBe(ATHLETES);
  const statsAfter = (await (await fetch(`${SANDBOX_URL}/__sandbox/stats`)).json()) as { refreshReuse: Record<string, number> };
  expect(statsAfter.refreshReuse.trainerday).toBe(statsBefore.refreshReuse.trainerday);
});
