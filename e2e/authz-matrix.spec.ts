import { createHash, randomBytes, randomUUID } from "node:crypto";
import { expect, request as playwrightRequest, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { APP_URL } from "./config";
import { captureAction, replayAction, type CapturedAction } from "./fixtures/actions";
import { signIn } from "./fixtures/auth";
import { accountsOf, createUser, withTestDb } from "./fixtures/db";
import { sandboxUsername } from "./fixtures/sandbox";

type Role = "athlete" | "coach" | "admin";

/** An API context signed in as `email` (cookies of a real sign-in through the login page). */
async function sessionOf(browser: Browser, email: string, password: string): Promise<APIRequestContext> {
  const context = await browser.newContext();
  await signIn(await context.newPage(), email, password);
  return playwrightRequest.newContext({ baseURL: APP_URL, storageState: await context.storageState() });
}

const REFUSED = /You do not have permission to do that\.|Your session has ended/;

test.describe("every server action refuses every other role, anonymous visitors, and replays under another session", () => {
  let users: Record<Role | "otherAthlete", { id: string; email: string; password: string }>;
  let sessions: Record<Role | "otherAthlete" | "anonymous", APIRequestContext>;

  test.beforeAll(async ({ browser }) => {
    users = {
      athlete: await createUser("athlete", "matrix-athlete"),
      otherAthlete: await createUser("athlete", "matrix-other"),
      coach: await createUser("coach", "matrix-coach"),
      admin: await createUser("admin", "matrix-admin"),
    };
    sessions = {
      athlete: await sessionOf(browser, users.athlete.email, users.athlete.password),
      otherAthlete: await sessionOf(browser, users.otherAthlete.email, users.otherAthlete.password),
      coach: await sessionOf(browser, users.coach.email, users.coach.password),
      admin: await sessionOf(browser, users.admin.email, users.admin.password),
      anonymous: await playwrightRequest.newContext({ baseURL: APP_URL }),
    };
  });

  async function pageAs(browser: Browser, role: Role | "otherAthlete"): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, users[role].email, users[role].password);
    return page;
  }

  async function expectRefusedForAllBut(allowed: Role, action: CapturedAction) {
    for (const who of (["athlete", "coach", "admin", "anonymous"] as const).filter((r) => r !== allowed)) {
      const { text } = await replayAction(sessions[who], action);
      expect(text, `${who} replaying an action for ${allowed}`).toMatch(REFUSED);
    }
  }

  test("admin actions", async ({ browser }) => {
    const admin = await pageAs(browser, "admin");
    const target = users.otherAthlete;
    const before = JSON.stringify(await withTestDb((db) => db.get("SELECT role, disabled_at FROM users WHERE id = ?", [target.id])));

    await admin.goto(`/admin/users/${target.id}`);
    const disable = await captureAction(admin, async () => {
      await admin.getByRole("button", { name: "Disable user" }).click();
      await admin.getByRole("dialog").getByRole("button", { name: "Disable user" }).click();
    });
    await expectRefusedForAllBut("admin", disable);
    await admin.reload();
    const role = await captureAction(admin, async () => {
      await admin.getByLabel("Role", { exact: true }).selectOption("admin");
      await admin.getByRole("button", { name: "Change role" }).click();
      await admin.getByRole("dialog").getByRole("button", { name: "Make admin" }).click();
    });
    await expectRefusedForAllBut("admin", role);
    await admin.reload();
    const coaches = await captureAction(admin, () => admin.getByRole("button", { name: "Save coaches" }).click());
    await expectRefusedForAllBut("admin", coaches);

    await admin.goto("/admin");
    const create = await captureAction(admin, async () => {
      await admin.getByLabel("Name", { exact: true }).fill("Should Not Exist");
      await admin.getByLabel("Email", { exact: true }).fill(`nobody-${Date.now()}@test.example`);
      await admin.getByLabel("Initial password").fill("password123");
      await admin.getByRole("button", { name: "Create user" }).click();
    });
    await expectRefusedForAllBut("admin", create);

    await admin.goto("/admin/services");
    const renew = await captureAction(admin, () => admin.getByRole("button", { name: "Renew" }).click());
    await expectRefusedForAllBut("admin", renew);
    // The form checks first (an admin-only preview), then links on Confirm: the link itself is what is replayed.
    await admin.getByLabel("Athlete (name or email)").fill(users.athlete.email);
    await admin.getByLabel("ExorLive user ID").fill("555");
    await admin.getByRole("button", { name: "Link ExorLive" }).click();
    await expect(admin.getByRole("dialog", { name: "Link ExorLive?" })).toContainText(users.athlete.email);
    const exorlive = await captureAction(admin, () => admin.getByRole("dialog").getByRole("button", { name: "Confirm" }).click());
    await expectRefusedForAllBut("admin", exorlive);

    // The ExorLive request queue: Approve and Decline are the admin's alone (asking is the athlete's or coach's).
    await withTestDb((db) =>
      db.run("INSERT INTO exorlive_link_requests (id, athlete_id, requested_by, exorlive_user_id) VALUES (?, ?, ?, ?)", [
        randomUUID(),
        users.athlete.id,
        users.athlete.id,
        "556",
      ]),
    );
    await admin.reload();
    const request = admin.getByRole("region", { name: "ExorLive link requests" }).getByRole("listitem").filter({ hasText: users.athlete.email });
    await request.getByRole("button", { name: /^Approve/ }).click();
    const approve = await captureAction(admin, () => admin.getByRole("dialog").getByRole("button", { name: "Approve and link" }).click());
    await expectRefusedForAllBut("admin", approve);
    await admin
      .getByRole("region", { name: "ExorLive link requests" })
      .getByRole("listitem")
      .filter({ hasText: users.athlete.email })
      .getByRole("button", { name: /^Decline/ })
      .click();
    await admin.getByRole("dialog").getByLabel("Reason").fill("Not in this test");
    const decline = await captureAction(admin, () => admin.getByRole("dialog").getByRole("button", { name: "Decline request" }).click());
    await expectRefusedForAllBut("admin", decline);

    await withTestDb(async (db) => {
      expect(JSON.stringify(await db.get("SELECT role, disabled_at FROM users WHERE id = ?", [target.id]))).toBe(before);
      expect(await db.get("SELECT count(*) AS n FROM users WHERE name = 'Should Not Exist'")).toEqual({ n: 0 });
    });
    expect(await accountsOf(users.athlete.id)).toHaveLength(0);
  });

  test("the integrations' admin actions (API keys, webhook endpoints, bulk revoke)", async ({ browser }) => {
    const admin = await pageAs(browser, "admin");
    await admin.goto("/admin/api-keys");
    const key = await captureAction(admin, async () => {
      await admin.getByLabel("Name").fill("Should Not Exist Key");
      await admin.getByRole("checkbox", { name: /connections:read/ }).check();
      await admin.getByRole("button", { name: "Create API key" }).click();
    });
    await expectRefusedForAllBut("admin", key);
    await admin.goto("/admin/webhooks");
    const endpoint = await captureAction(admin, async () => {
      await admin.getByLabel("Endpoint URL").fill("https://should-not-exist.example/hook");
      await admin.getByRole("button", { name: "Add endpoint" }).click();
    });
    await expectRefusedForAllBut("admin", endpoint);
    await admin.goto(`/admin/connections?athlete=${users.athlete.id}`);
    await withTestDb((db) =>
      db.run("INSERT INTO accounts (id, user_id, provider, state, updated_at) VALUES (?, ?, 'fitrankings', 'needs_reauth', ?)", [
        `matrix-${Date.now()}`,
        users.athlete.id,
        new Date(0),
      ]),
    );
    await admin.reload();
    const bulk = await captureAction(admin, async () => {
      await admin.getByRole("button", { name: /^Revoke all/ }).click();
      await admin
        .getByRole("dialog")
        .getByRole("button", { name: /^Revoke 1 connection/ })
        .click();
    });
    await expectRefusedForAllBut("admin", bulk);
    await withTestDb(async (db) => {
      expect(await db.get("SELECT count(*) AS n FROM api_keys WHERE name = 'Should Not Exist Key'")).toEqual({ n: 0 });
      expect(await db.get("SELECT count(*) AS n FROM webhook_endpoints WHERE url LIKE 'https://should-not-exist.example%'")).toEqual({ n: 0 });
      expect(await db.get("SELECT count(*) AS n FROM admin_actions WHERE kind = 'bulk_revoke' AND actor_id = ?", [users.admin.id])).toEqual({ n: 0 });
      await db.run("DELETE FROM accounts WHERE user_id = ? AND provider = 'fitrankings'", [users.athlete.id]);
    });
  });

  test("athlete actions cannot be used by other roles, and a replay under another athlete touches only that athlete's own data", async ({
    browser,
  }) => {
    const athlete = await pageAs(browser, "athlete");
    await athlete.getByRole("region", { name: "TrainerDay" }).getByRole("button", { name: "Connect" }).click();
    await athlete.getByLabel("Username").fill(sandboxUsername("td-matrix"));
    await athlete.getByRole("button", { name: "Approve" }).click();
    await expect(athlete.getByRole("region", { name: "TrainerDay" })).toContainText("Connected");
    const [linked] = await accountsOf(users.athlete.id);

    const disconnect = await captureAction(athlete, async () => {
      await athlete.getByRole("region", { name: "TrainerDay" }).getByRole("button", { name: "Disconnect" }).click();
      await athlete.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
    });
    await expectRefusedForAllBut("athlete", disconnect);
    const replayed = await replayAction(sessions.otherAthlete, disconnect);
    expect(replayed.text).toContain("TrainerDay is not connected.");

    await athlete.reload();
    const refresh = await captureAction(athlete, () =>
      athlete.getByRole("region", { name: "TrainerDay" }).getByRole("button", { name: "Refresh" }).click(),
    );
    await expectRefusedForAllBut("athlete", refresh);
    const connect = await captureAction(athlete, () =>
      athlete.getByRole("region", { name: "FitRankings" }).getByRole("button", { name: "Connect" }).click(),
    );
    await expectRefusedForAllBut("athlete", connect);

    expect(await accountsOf(users.athlete.id)).toEqual([linked]);
    expect(await accountsOf(users.otherAthlete.id)).toHaveLength(0);
  });

  test("coach actions", async ({ browser }) => {
    const coach = await pageAs(browser, "coach");
    const invite = await captureAction(coach, () => coach.getByRole("button", { name: "Create invite link" }).click());
    await expectRefusedForAllBut("coach", invite);
    expect(await withTestDb((db) => db.get("SELECT count(*) AS n FROM invitations WHERE coach_id = ?", [users.coach.id]))).toEqual({ n: 0 });

    // Cancelling an invite link (an open one, made directly in the database) and joining a roster through one.
    const token = `matrix-${randomBytes(24).toString("base64url")}`;
    const invitationId = randomUUID();
    await withTestDb((db) =>
      db.run("INSERT INTO invitations (id, token_hash, coach_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)", [
        invitationId,
        createHash("sha256").update(token).digest("hex"),
        users.coach.id,
        new Date(),
        new Date(Date.now() + 86_400_000),
      ]),
    );
    await coach.reload();
    const cancel = await captureAction(coach, async () => {
      await coach.getByRole("region", { name: "Your invite links" }).getByRole("button", { name: "Cancel invite" }).click();
      await coach.getByRole("dialog").getByRole("button", { name: "Cancel invite link" }).click();
    });
    await expectRefusedForAllBut("coach", cancel);
    const athlete = await pageAs(browser, "athlete");
    await athlete.goto(`/invite/${token}`);
    const join = await captureAction(athlete, () => athlete.getByRole("button", { name: /^Join .* roster$/ }).click());
    await expectRefusedForAllBut("athlete", join);
    expect(await withTestDb((db) => db.get("SELECT used_at FROM invitations WHERE id = ?", [invitationId]))).toEqual({ used_at: null });
  });
});

test.describe("routes and pages refuse other roles", () => {
  const cases: { path: string; allowed: Role }[] = [
    { path: "/connections", allowed: "athlete" },
    { path: "/connections/trainerday/history", allowed: "athlete" },
    { path: "/coach", allowed: "coach" },
    { path: "/admin", allowed: "admin" },
    { path: "/admin/connections", allowed: "admin" },
    { path: "/admin/audit", allowed: "admin" },
    { path: "/admin/services", allowed: "admin" },
    { path: "/admin/api-keys", allowed: "admin" },
    { path: "/admin/webhooks", allowed: "admin" },
    { path: "/admin/system", allowed: "admin" },
  ];

  test("pages answer every other role 403 with a page that says why, and send anonymous visitors to sign in with the page as callbackUrl", async ({
    browser,
  }) => {
    const people = { athlete: await createUser("athlete"), coach: await createUser("coach"), admin: await createUser("admin") };
    const words: Record<Role, string> = { athlete: "athletes", coach: "coaches", admin: "administrators" };
    const signedInAs: Record<Role, string> = { athlete: "an athlete", coach: "a coach", admin: "an administrator" };
    for (const role of ["athlete", "coach", "admin"] as const) {
      const page = await (await browser.newContext()).newPage();
      await signIn(page, people[role].email, people[role].password);
      for (const { path, allowed } of cases) {
        const response = await page.request.get(path, { maxRedirects: 0 });
        if (role === allowed) expect(response.status(), `${role} ${path}`).toBe(200);
        else {
          expect(response.status(), `${role} ${path}`).toBe(403);
          expect(await response.text(), `${role} ${path}`).toContain(`This page is for ${words[allowed]}. You are signed in as ${signedInAs[role]}.`);
        }
      }
    }
    const anonymous = await playwrightRequest.newContext({ baseURL: APP_URL });
    for (const { path } of cases) {
      const response = await anonymous.get(path, { maxRedirects: 0 });
      expect(response.headers().location, `anonymous ${path}`).toMatch(new RegExp(`/login\\?callbackUrl=${encodeURIComponent(path)}$`));
    }
  });

  test("exports answer 403 to other roles", async ({ browser }) => {
    const people = { athlete: await createUser("athlete"), coach: await createUser("coach"), admin: await createUser("admin") };
    const exports: { path: string; allowed: Role }[] = [
      { path: "/coach/export", allowed: "coach" },
      { path: "/admin/audit/export", allowed: "admin" },
    ];
    for (const role of ["athlete", "coach", "admin"] as const) {
      const session = await sessionOf(browser, people[role].email, people[role].password);
      for (const { path, allowed } of exports) {
        const response = await session.get(path, { maxRedirects: 0 });
        expect(response.status(), `${role} ${path}`).toBe(role === allowed ? 200 : 403);
      }
    }
  });
});
