import { expect, test, type APIRequestContext } from "@playwright/test";
import { parseExposition, sampleValue, type Sample } from "../lib/metrics/exposition";
import { METRICS_TOKEN } from "./config";
import { signIn } from "./fixtures/auth";
import { linkInSandbox } from "./fixtures/connections";
import { accountsOf, createUser, withTestDb } from "./fixtures/db";
import { sandboxUsername, setSandboxMode } from "./fixtures/sandbox";

test.afterEach(async () => {
  await setSandboxMode("trainerday", "normal");
});

async function scrape(request: APIRequestContext): Promise<Sample[]> {
  const response = await request.get("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

/** The value of one series, 0 when absent. */
const value = (samples: Sample[], name: string, labels: Record<string, string>) => sampleValue(samples, name, labels) ?? 0;
/** The sum of every series of `name` whose labels include `labels`. */
const total = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
const refreshes = (samples: Sample[], outcome: string) => value(samples, "trainlink_refresh_total", { service: "trainerday", outcome });

/** Makes the TrainerDay connections of `userIds` due now for the background refresher (every second in e2e), backoff cleared. */
async function makeDue(userIds: string[]) {
  await withTestDb((db) =>
    db.run(
      `UPDATE accounts SET expires_at = ?, next_attempt_at = NULL WHERE provider = 'trainerday' AND state = 'connected' AND user_id IN (${userIds.map(() => "?").join(",")})`,
      [Math.floor(Date.now() / 1000) + 30, ...userIds],
    ),
  );
}

test("/api/metrics refuses a scrape without the token", async ({ request }) => {
  const anonymous = await request.get("/api/metrics");
  expect(anonymous.status()).toBe(401);
  expect(anonymous.headers()["www-authenticate"]).toMatch(/^Bearer/);
  expect(await anonymous.text()).not.toContain("trainlink_");
  expect((await request.get("/api/metrics", { headers: { authorization: "Bearer not-the-metrics-token" } })).status()).toBe(401);
});

test("a refresh burst with sandbox failures moves the refresh counters by outcome, the call histogram and the gauges", async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const athletes = [];
  const before = await scrape(request);
  for (let i = 0; i < 4; i++) {
    const athlete = await createUser("athlete", `metrics-${i}`);
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, athlete.email, athlete.password);
    await linkInSandbox(page, "TrainerDay", sandboxUsername(`metrics-${i}`));
    await context.close();
    athletes.push(athlete.id);
  }
  const linked = await scrape(request);
  expect(
    value(linked, "trainlink_link_total", { service: "trainerday", outcome: "success" }) -
      value(before, "trainlink_link_total", { service: "trainerday", outcome: "success" }),
  ).toBe(4);

  // The service fails: two due connections are refreshed by the background refresher and fail (tokens kept, retried).
  await setSandboxMode("trainerday", "token_503");
  await makeDue(athletes.slice(0, 2));
  await expect
    .poll(async () => refreshes(await scrape(request), "service_failure") - refreshes(linked, "service_failure"), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(2);
  const failing = await scrape(request);
  expect(value(failing, "trainlink_connections", { service: "trainerday", status: "refresh_failing" })).toBeGreaterThanOrEqual(2);

  // The service refuses one refresh token: that athlete must reconnect.
  await setSandboxMode("trainerday", "refresh_invalid_grant");
  await makeDue(athletes.slice(2, 3));
  await expect
    .poll(async () => refreshes(await scrape(request), "reauth_required") - refreshes(linked, "reauth_required"), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(1);
  expect((await accountsOf(athletes[2]!))[0]!.state).toBe("needs_reauth");

  // The service is back: the two failing connections (backoff cleared) and the fourth are refreshed.
  await setSandboxMode("trainerday", "normal");
  await makeDue([athletes[0]!, athletes[1]!, athletes[3]!]);
  await expect
    .poll(async () => refreshes(await scrape(request), "success") - refreshes(linked, "success"), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(3);
  for (const id of [athletes[0]!, athletes[1]!, athletes[3]!]) {
    await expect.poll(async () => (await accountsOf(id))[0]!.failure_count, { timeout: 10_000 }).toBe(0);
  }

  const after = await scrape(request);
  expect(refreshes(after, "credentials_rejected")).toBe(refreshes(before, "credentials_rejected"));
  expect(value(after, "trainlink_connections", { service: "trainerday", status: "needs_reauth" })).toBeGreaterThanOrEqual(1);
  expect(sampleValue(after, "trainlink_refresh_backlog")).toBeGreaterThanOrEqual(0);
  expect(sampleValue(after, "trainlink_refresher_lag_seconds")).toBeGreaterThanOrEqual(0);
  // Every link (authorize, token) and every refresh attempt above is one outbound call observed in the histogram
  // (lib/integrations/http.ts reports each call to observeServiceCall): at least 4 exchanges + 6 refreshes.
  const calls = (samples: Sample[]) => total(samples, "trainlink_service_call_duration_seconds_count", { service: "trainerday" });
  expect(calls(after) - calls(before)).toBeGreaterThanOrEqual(10);
  const slowest = total(after, "trainlink_service_call_duration_seconds_bucket", { service: "trainerday", le: "+Inf" });
  expect(slowest).toBe(calls(after));
  expect(total(after, "trainlink_service_call_duration_seconds_sum", { service: "trainerday" })).toBeGreaterThan(
    total(before, "trainlink_service_call_duration_seconds_sum", { service: "trainerday" }),
  );
});
