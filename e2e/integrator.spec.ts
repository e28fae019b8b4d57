import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { APP_URL, OWN_PAIR } from "./config";
import { signIn } from "./fixtures/auth";
import { linkInSandbox } from "./fixtures/connections";
import { createUser, eventsOf, withTestDb } from "./fixtures/db";
import { openApiChecker } from "./fixtures/openapi";
import { sandboxTokens, sandboxUsername, setSandboxMode } from "./fixtures/sandbox";
import { startWebhookReceiver, type ReceivedWebhook } from "./fixtures/webhook-receiver";

// Issue 16, "Done when": a script acting as the club's own system uses TrainLink through an API key and webhooks.
// Every answer it gets is checked against the OpenAPI document the app serves.

const WEBHOOK_EVENTS = [
  "connection.linked",
  "connection.refresh_failed",
  "connection.needs_reauth",
  "connection.revoked",
  "connection.recovered",
  "connection.scopes_missing",
];

test.afterEach(async () => {
  await setSandboxMode("trainerday", "normal");
});

/** The admin creates an API key with every scope on /admin/api-keys and copies it from the one-time display. */
async function createKeyAsAdmin(page: Page, name: string): Promise<string> {
  await page.goto("/admin/api-keys");
  await page.getByLabel("Name").fill(name);
  for (const scope of ["connections:read", "tokens:issue", "connections:revoke", "webhooks:manage"])
    await page.getByRole("checkbox", { name: new RegExp(scope) }).check();
  await page.getByRole("button", { name: "Create API key" }).click();
  const shown = page.getByRole("dialog");
  await expect(shown).toContainText("will not see this key again");
  const key = (await shown.textContent())?.match(/tlk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/)?.[0];
  expect(key, "the dialog shows the new key").toBeTruthy();
  await shown.getByRole("button", { name: /Done|Close/ }).click();
  return key!;
}

/** Moves a connection's access-token expiry to `seconds` from now (inside the refresh margin: the next request refreshes it). */
async function expireSoon(athleteId: string, service: string, seconds: number) {
  await withTestDb((db) =>
    db.run("UPDATE accounts SET expires_at = ? WHERE user_id = ? AND provider = ?", [Math.floor(Date.now() / 1000) + seconds, athleteId, service]),
  );
}

test("an integrator with an API key lists connections, gets fresh tokens the service accepts, receives signed webhooks when a link breaks and comes back, and revokes it", async ({
  page,
  browser,
}) => {
  const admin = await createUser("admin", "integrations-admin");
  const athlete = await createUser("athlete", "integrated");
  const openapi = await openApiChecker(APP_URL);
  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, admin.email, admin.password);
  const key = await createKeyAsAdmin(adminPage, "Club planner");
  // After the one-time display, the page shows only the key's prefix.
  await adminPage.reload();
  await expect(adminPage.getByRole("row", { name: /Club planner/ })).toContainText(key.slice(0, 12));
  expect(await adminPage.content()).not.toContain(key);

  /** One API call as the integrator: Bearer key, JSON; the answer checked against the OpenAPI document. */
  async function api(method: string, path: string, body?: unknown, authorization: string | null = `Bearer ${key}`) {
    const response = await fetch(`${APP_URL}${path}`, {
      method,
      headers: { ...(authorization ? { authorization } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    openapi.check(method, new URL(path, APP_URL).pathname, response.status, response.headers.get("content-type") ?? "", json);
    return { status: response.status, headers: response.headers, body: json };
  }

  // No key, or a wrong one: RFC 9457 problems, and the Bearer challenge.
  const anonymous = await api("GET", "/api/v1/athletes", undefined, null);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get("content-type")).toContain("application/problem+json");
  expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
  expect((await api("GET", "/api/v1/athletes", undefined, `Bearer ${key.slice(0, -4)}AAAA`)).status).toBe(401);

  // The integrator registers its receiver (secret shown once) for every lifecycle event.
  const receiver = await startWebhookReceiver();
  const endpoint = await api("POST", "/api/v1/webhook-endpoints", { url: receiver.url, description: "Planner sync", events: WEBHOOK_EVENTS });
  expect(endpoint.status).toBe(201);
  const secret = endpoint.body.secret as string;
  expect(secret).toMatch(/^whsec_/);
  const hooks = (type: string) => receiver.verified(secret).filter((w) => w.payload.type === type && w.payload.data.athlete_id === athlete.id);

  // The athlete links TrainerDay in the browser: connection.linked arrives, signed.
  await signIn(page, athlete.email, athlete.password);
  const username = sandboxUsername("td-api");
  await linkInSandbox(page, "TrainerDay", username);
  await expect.poll(() => hooks("connection.linked").length, { timeout: 15_000 }).toBe(1);

  // Lists: athletes (cursor pagination), the athlete's connections, every TrainerDay connection, one connection.
  let athleteRow: Record<string, unknown> | undefined;
  let cursor: string | null = null;
  do {
    const listed = await api("GET", `/api/v1/athletes?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(listed.status).toBe(200);
    expect(listed.headers.get("ratelimit")).toMatch(/r=\d+/);
    expect(listed.headers.get("ratelimit-policy")).toMatch(/q=\d+;w=60/);
    athleteRow = (listed.body.data as Record<string, unknown>[]).find((a) => a.id === athlete.id) ?? athleteRow;
    cursor = listed.body.next_cursor as string | null;
  } while (cursor && !athleteRow);
  expect(athleteRow).toMatchObject({ email: athlete.email });
  const own = await api("GET", `/api/v1/athletes/${athlete.id}/connections`);
  const trainerday = (own.body.data as Record<string, unknown>[]).find((c) => c.service === "trainerday")!;
  expect(trainerday).toMatchObject({ status: "connected", athlete_id: athlete.id });
  const connectionId = trainerday.id as string;
  const all = await api("GET", "/api/v1/connections?service=trainerday&status=connected&limit=200");
  expect(all.status).toBe(200);
  const one = await api("GET", `/api/v1/connections/${connectionId}`);
  expect(one.body).toMatchObject({ id: connectionId, service: "trainerday", status: "connected" });
  expect((one.body.granted_scopes as string[]).length).toBeGreaterThan(0);
  expect((await api("GET", "/api/v1/connections/no-such-connection")).status).toBe(404);
  // Never a token in any of those answers.
  const issued = (await sandboxTokens("trainerday")).map((t) => t.value);
  for (const answer of [own, all, one]) for (const token of issued) expect(JSON.stringify(answer.body)).not.toContain(token);

  // A fresh access token, then one refreshed because it was about to expire: the service accepts both.
  const first = await api("POST", `/api/v1/connections/${connectionId}/access-token`);
  expect(first.status).toBe(200);
  expect(first.body.token_type).toBe("Bearer");
  expect(first.body.expires_in as number).toBeGreaterThan(300);
  await expireSoon(athlete.id, "trainerday", 60);
  const refreshed = await api("POST", `/api/v1/connections/${connectionId}/access-token`);
  expect(refreshed.body.access_token).not.toBe(first.body.access_token);
  expect(refreshed.body.expires_in as number).toBeGreaterThan(300);
  const live = await sandboxTokens("trainerday");
  expect(live.find((t) => t.value === refreshed.body.access_token)).toMatchObject({ kind: "access", active: true });
  expect(first.headers.get("cache-control")).toContain("no-store");

  // The link breaks at the service: the next token request says why (409), and the webhooks follow.
  await setSandboxMode("trainerday", "refresh_invalid_grant");
  await expireSoon(athlete.id, "trainerday", 60);
  const broken = await api("POST", `/api/v1/connections/${connectionId}/access-token`);
  expect(broken.status).toBe(409);
  expect(broken.headers.get("content-type")).toContain("application/problem+json");
  expect(broken.body.connection_status).toBe("needs_reauth");
  expect(broken.body.detail).toMatch(/reconnect/i);
  await expect.poll(() => hooks("connection.needs_reauth").length, { timeout: 15_000 }).toBe(1);
  // The athlete has been alerted (an open episode) before the fix, so the fix is a recovery.
  await expect.poll(async () => (await eventsOf(athlete.id)).some((e) => e.kind === "alert_sent"), { timeout: 15_000 }).toBe(true);

  // The service is fixed and the athlete reconnects: linked and recovered arrive; tokens flow again.
  await setSandboxMode("trainerday", "normal");
  await page.goto("/connections");
  await linkInSandbox(page, "TrainerDay", username);
  await expect.poll(() => hooks("connection.linked").length, { timeout: 15_000 }).toBe(2);
  await expect.poll(() => hooks("connection.recovered").length, { timeout: 15_000 }).toBe(1);
  const again = await api("POST", `/api/v1/connections/${connectionId}/access-token`);
  expect(again.status).toBe(200);

  // The integrator revokes the connection: the service's grant ends, connection.revoked arrives.
  const revoked = await api("DELETE", `/api/v1/connections/${connectionId}`);
  expect(revoked.status).toBe(200);
  expect(revoked.body.status).toBe("revoked");
  await expect.poll(() => hooks("connection.revoked").length, { timeout: 15_000 }).toBe(1);
  expect((await api("GET", `/api/v1/connections/${connectionId}`)).body.status).toBe("not_connected");
  expect((await sandboxTokens("trainerday")).find((t) => t.value === again.body.access_token)?.active).toBe(false);
  const gone = await api("POST", `/api/v1/connections/${connectionId}/access-token`);
  expect(gone.status).toBe(409);

  // Every webhook verified (receiver.verified throws otherwise); each webhook-id once; the payload names the connection.
  const allHooks: ReceivedWebhook[] = receiver.verified(secret);
  expect(new Set(allHooks.map((w) => w.id)).size).toBe(allHooks.length);
  for (const hook of allHooks.filter((w) => w.payload.data.athlete_id === athlete.id)) {
    expect(hook.payload.data).toMatchObject({ connection_id: connectionId, service: "trainerday" });
    expect(hook.body).not.toMatch(/access_token|refresh_token/);
  }

  // The audit trail names the key for each token issued and for the revocation.
  const events = await eventsOf(athlete.id);
  expect(events.filter((e) => e.kind === "access_token_issued").length).toBe(3);
  expect(events.find((e) => e.kind === "access_token_issued")?.detail).toContain("Club planner");
  await receiver.close();

  // The key and the webhook secret never reach the server log.
  const log = readFileSync(OWN_PAIR.serverLog, "utf8");
  expect(log).not.toContain(key);
  expect(log).not.toContain(secret);
});
