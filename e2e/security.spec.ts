import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { expect, request as playwrightRequest, test } from "@playwright/test";
import { APP_URL, SPARE_DATABASES } from "./config";
import { credentialsSignIn, signIn } from "./fixtures/auth";
import { createUser, databaseRows, withTestDb } from "./fixtures/db";
import { nextStartCommand, SERVER_ENV } from "../scripts/next-start";

test.describe("web hardening", () => {
  test("every page carries the security headers, and pages with account data are not stored", async ({ page }) => {
    const athlete = await createUser("athlete");
    for (const path of ["/login", "/invite/not-a-token"]) {
      const headers = (await page.request.get(path)).headers();
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(headers["content-security-policy"], path).not.toContain("unsafe-eval");
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("no-referrer");
    }
    await signIn(page, athlete.email, athlete.password);
    for (const path of ["/connections", "/connections/trainerday/history"]) {
      const headers = (await page.request.get(path)).headers();
      expect(headers["cache-control"], path).toContain("no-store");
      expect(headers["content-security-policy"], path).toMatch(/default-src 'self'/);
    }
  });

  test("the session cookie is HttpOnly and SameSite=Lax", async () => {
    const athlete = await createUser("athlete");
    const api = await playwrightRequest.newContext({ baseURL: APP_URL });
    const { ok, response } = await credentialsSignIn(api, athlete.email, athlete.password);
    expect(ok).toBe(true);
    const cookie = response.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith("next-auth.session-token="));
    expect(cookie?.value).toMatch(/HttpOnly/i);
    expect(cookie?.value).toMatch(/SameSite=Lax/i);
  });

  test("served over HTTPS, the session cookie is Secure (and __Secure- prefixed)", async () => {
    test.setTimeout(60_000);
    const port = 3197;
    const child = spawn(...nextStartCommand(port), {
      env: {
        ...process.env,
        ...SERVER_ENV,
        NODE_ENV: "production",
        NEXTAUTH_URL: `https://localhost:${port}`,
        NEXTAUTH_SECRET: "s".repeat(40),
        TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
        DATABASE_URL: SPARE_DATABASES.https(),
        REFRESHER_ENABLED: "false",
      },
      stdio: "ignore",
    });
    try {
      const api = await playwrightRequest.newContext({ baseURL: `http://localhost:${port}` });
      await expect.poll(async () => (await api.get("/login").catch(() => null))?.status() ?? 0, { timeout: 30_000 }).toBe(200);
      const user = await createUser("athlete", "https", SPARE_DATABASES.https());
      // Over plain HTTP the client would not send Secure cookies back, so carry the CSRF cookie by hand.
      const csrf = await api.get("/api/auth/csrf");
      const csrfCookie = csrf
        .headersArray()
        .find((h) => h.name.toLowerCase() === "set-cookie" && h.value.includes("csrf-token"))!
        .value.split(";")[0]!;
      expect(csrfCookie).toMatch(/^__Host-next-auth\.csrf-token=/);
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const response = await api.post("/api/auth/callback/credentials", {
        form: { csrfToken, email: user.email, password: user.password, json: "true" },
        headers: { cookie: csrfCookie },
        maxRedirects: 0,
      });
      const session = response.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.includes("session-token"));
      expect(session?.value).toMatch(/^__Secure-next-auth\.session-token=/);
      expect(session?.value).toMatch(/;\s*Secure/i);
      expect(session?.value).toMatch(/HttpOnly/i);
      expect(session?.value).toMatch(/SameSite=Lax/i);
      // Pages read that __Secure- cookie (and not the plain one) as the signed-in user.
      const sessionCookie = session!.value.split(";")[0]!;
      const page = await api.get("/connections", { headers: { cookie: sessionCookie }, maxRedirects: 0 });
      expect(page.status()).toBe(200);
      expect(await page.text()).toContain("Test https");
      const plain = await api.get("/connections", { headers: { cookie: sessionCookie.replace(/^__Secure-/, "") }, maxRedirects: 0 });
      expect(plain.status()).toBe(307);
    } finally {
      child.kill("SIGTERM");
    }
  });

  test("route handlers that change state refuse a foreign Origin and Origin: null", async ({ request }) => {
    for (const origin of ["https://evil.example", "null"]) {
      const signin = await request.post("/api/auth/signin/trainerday", {
        headers: { origin },
        form: { callbackUrl: "/connections" },
        maxRedirects: 0,
      });
      expect(signin.status(), origin).toBe(403);
      const webhook = await request.post("/api/webhooks/enduco/deregister/sandbox-enduco-webhook-secret", {
        headers: { origin },
        data: { userId: "x" },
      });
      expect(webhook.status(), origin).toBe(403);
      const signout = await request.post("/api/auth/signout", { headers: { origin }, form: { csrfToken: "x" }, maxRedirects: 0 });
      expect(signout.status(), origin).toBe(403);
      // The integrator's API is for servers (no Origin header); a browser page of another site cannot drive it.
      const api = await request.post("/api/v1/webhook-endpoints", { headers: { origin, authorization: "Bearer tlk_00000000_x" }, data: {} });
      expect(api.status(), origin).toBe(403);
    }
    const sameOrigin = await request.post("/api/webhooks/enduco/deregister/sandbox-enduco-webhook-secret", {
      headers: { origin: APP_URL },
      data: { userId: "nobody" },
    });
    expect(sameOrigin.status()).toBe(202);
  });

  test("no GET route changes the database, for any role", async ({ browser }) => {
    const athlete = await createUser("athlete");
    const coach = await createUser("coach");
    const admin = await createUser("admin");
    // Every row of every app table (rows ordered by primary key, tables by name), hashed; except what the background
    // worker writes on its own meanwhile (the digest job's clock, alert episodes, mail and webhooks sent, their events).
    const BACKGROUND_TABLES = new Set(["job_runs", "coach_digests", "connection_alerts", "mail_outbox", "webhook_outbox", "webhook_endpoints"]);
    const BACKGROUND_EVENTS = new Set(["alert_sent", "recovered", "reconnect_request_reconnected", "reconnect_request_verified"]);
    const digest = async () => {
      const hash = createHash("sha256");
      for (const [table, rows] of await databaseRows()) {
        if (BACKGROUND_TABLES.has(table)) continue;
        const kept = table === "connection_events" ? rows.filter((r) => !BACKGROUND_EVENTS.has(String(r.kind))) : rows;
        hash.update(`${table}:${JSON.stringify(kept)}`);
      }
      return hash.digest("hex");
    };
    // A reconnect request waiting to be opened: following its link (a GET) must not open it.
    const requestId = randomUUID();
    await withTestDb(async (db) => {
      await db.run("INSERT INTO accounts (id, user_id, provider, state, updated_at) VALUES (?, ?, 'trainerday', 'needs_reauth', ?)", [
        randomUUID(),
        athlete.id,
        new Date(0),
      ]);
      await db.run(
        "INSERT INTO reconnect_requests (id, athlete_id, service, requested_by, status, created_at) VALUES (?, ?, 'trainerday', ?, 'sent', ?)",
        [
          requestId,
          athlete.id,
          coach.id,
          new Date(), // not yet due for its reminder
        ],
      );
    });
    const routes = [
      "/",
      "/login",
      "/connections",
      `/connections?request=${requestId}`,
      "/connections/trainerday/history",
      "/settings",
      "/unsubscribe?token=not-a-token",
      "/api/unsubscribe?token=not-a-token",
      "/connections/link-complete?linked=trainerday",
      "/coach",
      "/coach/export",
      `/coach/athletes/${athlete.id}`,
      "/admin",
      `/admin/users/${athlete.id}`,
      "/admin/connections",
      "/admin/audit",
      "/admin/audit/export",
      "/admin/services",
      "/admin/api-keys",
      "/admin/webhooks",
      "/admin/connections/export",
      "/api/v1/docs",
      "/api/v1/openapi.json",
      "/api/v1/athletes",
      "/api/v1/webhook-endpoints",
      "/invite/not-a-real-token",
      "/api/auth/session",
      "/api/auth/csrf",
      "/api/auth/providers",
      "/api/auth/signin",
      "/api/auth/signin/trainerday",
      "/api/auth/signout",
      "/api/auth/error",
      "/api/webhooks/enduco/deregister/sandbox-enduco-webhook-secret",
    ];
    const contexts = [];
    for (const user of [athlete, coach, admin]) {
      const context = await browser.newContext();
      await signIn(await context.newPage(), user.email, user.password);
      contexts.push(context.request);
    }
    contexts.push(await playwrightRequest.newContext({ baseURL: APP_URL }));
    const before = await digest();
    for (const api of contexts) for (const route of routes) expect((await api.get(route, { maxRedirects: 0 })).status(), route).toBeLessThan(500);
    expect(await digest()).toBe(before);
  });
});

test.describe("sign-in abuse (growing delays per account and client; device cookies)", () => {
  test("10 failures on one account from one client slow that client down, with a clear message, even with the right password; another client still signs in", async ({
    page,
  }) => {
    const athlete = await createUser("athlete");
    const api = await playwrightRequest.newContext({ baseURL: APP_URL });
    const client = { "x-forwarded-for": "192.0.2.10" };
    for (let i = 0; i < 10; i++) expect((await credentialsSignIn(api, athlete.email, "wrong", client)).error).toBe("CredentialsSignin");
    const limited = (await credentialsSignIn(api, athlete.email, athlete.password, client)).error;
    expect(limited).toMatch(/^RateLimited:\d+$/);
    expect(Number(limited!.split(":")[1])).toBeGreaterThan(0);
    expect(Number(limited!.split(":")[1])).toBeLessThanOrEqual(30); // the first delay: 30 s after the 10th failure
    // The left-most X-Forwarded-For entry is the client's own claim; only the one our proxy appended counts.
    expect((await credentialsSignIn(api, athlete.email, athlete.password, { "x-forwarded-for": "198.51.100.99, 192.0.2.10" })).error).toMatch(
      /^RateLimited/,
    );
    await page.setExtraHTTPHeaders(client);
    await page.goto("/login");
    await page.getByLabel("Email").fill(athlete.email);
    await page.getByLabel("Password").fill(athlete.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(
      page.getByRole("alert").filter({ hasText: /Too many failed sign-ins for this account from here\. Wait \d+ seconds, then try again/ }),
    ).toBeVisible();
    const elsewhere = await playwrightRequest.newContext({ baseURL: APP_URL });
    expect((await credentialsSignIn(elsewhere, athlete.email, athlete.password, { "x-forwarded-for": "192.0.2.11" })).ok).toBe(true);
  });

  test("an attacker who knows only the email cannot keep the owner out of a device the owner signed in from before", async () => {
    const owner = await createUser("admin");
    const shared = { "x-forwarded-for": "192.0.2.20" }; // the attacker sits behind the owner's own network address
    const ownerDevice = await playwrightRequest.newContext({ baseURL: APP_URL });
    expect((await credentialsSignIn(ownerDevice, owner.email, owner.password, shared)).ok).toBe(true);
    const deviceCookie = (await ownerDevice.storageState()).cookies.find((c) => c.name === "trainlink.device");
    expect(deviceCookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/api/auth/callback/credentials" });
    expect(deviceCookie?.value).not.toContain(owner.email);

    const attacker = await playwrightRequest.newContext({ baseURL: APP_URL });
    for (let i = 0; i < 12; i++)
      expect((await credentialsSignIn(attacker, owner.email, "guess", shared)).error).toMatch(/^(CredentialsSignin|RateLimited)/);
    expect((await credentialsSignIn(attacker, owner.email, owner.password, shared)).error).toMatch(/^RateLimited/);
    const newDevice = await playwrightRequest.newContext({ baseURL: APP_URL });
    expect((await credentialsSignIn(newDevice, owner.email, owner.password, shared)).error).toMatch(/^RateLimited/);
    expect((await credentialsSignIn(ownerDevice, owner.email, owner.password, shared)).ok).toBe(true);
  });

  test("10 failures from one client (behind the trusted proxy) across accounts slow that client down, not others", async () => {
    const api = await playwrightRequest.newContext({ baseURL: APP_URL });
    const attacker = { "x-forwarded-for": "203.0.113.77" };
    for (let i = 0; i < 10; i++)
      expect((await credentialsSignIn(api, `nobody-${i}-${Date.now()}@test.example`, "wrong", attacker)).error).toBe("CredentialsSignin");
    const victim = await createUser("athlete");
    expect((await credentialsSignIn(api, victim.email, victim.password, attacker)).error).toMatch(/^RateLimited/);
    const fresh = await playwrightRequest.newContext({ baseURL: APP_URL });
    expect((await credentialsSignIn(fresh, victim.email, victim.password, { "x-forwarded-for": "198.51.100.4" })).ok).toBe(true);
  });
});
