import fc from "fast-check";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { APP_URL, SANDBOX_URL } from "./config";
import { signIn } from "./fixtures/auth";
import { accountsOf, createUser, withTestDb } from "./fixtures/db";
import { sandboxRequests, sandboxUsername } from "./fixtures/sandbox";

type Flow = "trainerday" | "enduco" | "fitrankings";
const NAMES: Record<Flow, string> = { trainerday: "TrainerDay", enduco: "enduco", fitrankings: "FitRankings" };

async function signedIn(browser: Browser) {
  const user = await createUser("athlete");
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(() => (window.open = () => null)); // FitRankings: the full-page flow
  await signIn(page, user.email, user.password);
  return { user, page };
}

/** Starts linking `flow` and returns the state our server issued (read from the sandbox's consent page URL). */
async function startFlow(page: Page, flow: Flow): Promise<string> {
  await page.getByRole("region", { name: NAMES[flow] }).getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("button", { name: "Approve" })).toBeVisible();
  const url = new URL(page.url());
  const state = flow === "fitrankings" ? new URL(url.searchParams.get("callback_uri")!).pathname.split("/").at(-1) : url.searchParams.get("state");
  expect(state).toBeTruthy();
  return state!;
}

/** A hand-made callback for `flow`; FitRankings carries `params.state` as the last path segment (our callback_uri's shape). */
function callbackUrl(flow: Flow, params: Record<string, string>) {
  if (flow === "fitrankings") {
    const { state, ...rest } = params;
    const path = state === undefined ? "/api/connections/fitrankings/callback" : `/api/connections/fitrankings/callback/${encodeURIComponent(state)}`;
    return `${path}?${new URLSearchParams({ token: "sbx-fr-ut-forged", user_id: "99999", ...rest })}`;
  }
  return `/api/auth/callback/${flow}?${new URLSearchParams({ code: "forged-code", ...params })}`;
}

async function tokenRequests() {
  return (await sandboxRequests({ endpoint: "token" })).length;
}

async function expectRefused(page: Page, url: string, athleteId: string, flow: Flow) {
  const before = await tokenRequests();
  await page.goto(url);
  await expect(page).toHaveURL(new RegExp(`/connections\\?error=state_invalid&service=${flow}$`));
  await expect(page.getByRole("main").getByRole("alert")).toContainText("could not be verified");
  expect(await tokenRequests()).toBe(before);
  expect(await accountsOf(athleteId)).toHaveLength(0);
}

for (const flow of ["trainerday", "enduco", "fitrankings"] as const) {
  test.describe(`${NAMES[flow]}: state (RFC 9700 §4.7)`, () => {
    test("a missing state is refused", async ({ browser }) => {
      const { user, page } = await signedIn(browser);
      await startFlow(page, flow);
      await expectRefused(page, callbackUrl(flow, {}), user.id, flow);
    });

    test("another session's state is refused", async ({ browser }) => {
      const victim = await signedIn(browser);
      const state = await startFlow(victim.page, flow);
      const attacker = await signedIn(browser);
      await expectRefused(attacker.page, callbackUrl(flow, { state }), attacker.user.id, flow);
    });

    test("an expired state is refused", async ({ browser }) => {
      const { user, page } = await signedIn(browser);
      const state = await startFlow(page, flow);
      const { state_hash } = await withTestDb(async (db) => {
        await db.run("UPDATE oauth_flows SET expires_at = ? WHERE user_id = ?", [new Date(Date.now() - 1000), user.id]);
        return (await db.get<{ state_hash: string }>("SELECT state_hash FROM oauth_flows WHERE user_id = ?", [user.id]))!;
      });
      expect(state_hash).toMatch(/^[0-9a-f]{64}$/);
      await expectRefused(page, callbackUrl(flow, { state }), user.id, flow);
    });
  });
}

test("mix-up (RFC 9700 §4.4): a response for enduco delivered to TrainerDay's callback is refused", async ({ browser }) => {
  const { user, page } = await signedIn(browser);
  const state = await startFlow(page, "enduco");
  await expectRefused(page, callbackUrl("trainerday", { state }), user.id, "trainerday");
});

test("no open redirects: every callbackUrl trick ends on our own page", async ({ browser }) => {
  const { user, page } = await signedIn(browser);
  const tricks = [
    "//evil.example",
    "/\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "https://evil.example/connections",
    "/%5Cevil.example",
  ];
  for (const callbackUrl of tricks) {
    const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const start = await page.request.post("/api/auth/signin/trainerday", { form: { csrfToken, callbackUrl, json: "true" } });
    expect(start.status(), callbackUrl).toBe(200);
  }
  const returns = await withTestDb((db) => db.all<{ return_to: string }>("SELECT return_to FROM oauth_flows WHERE user_id = ?", [user.id]));
  expect(returns.map((r) => r.return_to)).toEqual(tricks.map(() => "/connections"));

  // One all the way through: the consent approves and the browser lands on our own connections page.
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const { url } = (await (
    await page.request.post("/api/auth/signin/trainerday", { form: { csrfToken, callbackUrl: "//evil.example", json: "true" } })
  ).json()) as { url: string };
  await page.goto(url);
  await page.getByLabel("Username").fill(sandboxUsername("td-redirect"));
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(`${APP_URL}/connections?linked=trainerday`);

  for (const target of ["//evil.example", "javascript:alert(1)", "https://evil.example"]) {
    const { csrfToken: token } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const out = await page.request.post("/api/auth/signout", {
      form: { csrfToken: token, callbackUrl: target, json: "true" },
      headers: { origin: APP_URL },
    });
    const { url: after } = (await out.json()) as { url: string };
    expect(new URL(after).origin, target).toBe(APP_URL);
  }
});

test("PKCE (S256): sent to TrainerDay and enduco, the verifier kept with its own flow; a code injected into another flow is worthless", async ({
  browser,
}) => {
  const { user, page } = await signedIn(browser);
  for (const flow of ["trainerday", "enduco"] as const) {
    await startFlow(page, flow);
    expect(new URL(page.url()).searchParams.get("code_challenge_method")).toBe("S256");
    expect(new URL(page.url()).searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByLabel("Username").fill(sandboxUsername(`pkce-${flow}`));
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page).toHaveURL(new RegExp(`linked=${flow}`));
    const [last] = (await sandboxRequests({ service: flow, endpoint: "token" })).slice(-1);
    expect(last).toMatchObject({ status: 200, pkce: true });
  }
  expect(await accountsOf(user.id)).toHaveLength(2);

  // Code injection (RFC 9700 §4.5): a victim's authorization code, replayed into an attacker's own flow, meets
  // the attacker's verifier (kept with the attacker's flow) and is refused by the service.
  const victim = await signedIn(browser);
  await startFlow(victim.page, "trainerday");
  const consent = victim.page.locator("form").filter({ has: victim.page.getByRole("button", { name: "Approve" }) });
  const decision = new URLSearchParams({
    request_id: await consent.locator('input[name="request_id"]').inputValue(),
    username: sandboxUsername("pkce-victim"),
    decision: "approve",
  });
  for (const scope of await consent.locator('input[name="scope"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)))
    decision.append("scope", scope);
  const decided = await fetch(new URL((await consent.getAttribute("action"))!, victim.page.url()), {
    method: "POST",
    body: decision,
    redirect: "manual",
  });
  const stolenCode = new URL(decided.headers.get("location")!).searchParams.get("code");
  expect(stolenCode).toMatch(/^sbx-td-code-/);
  const attacker = await signedIn(browser);
  const attackerState = await startFlow(attacker.page, "trainerday");
  const before = (await sandboxRequests({ service: "trainerday", endpoint: "token" })).length;
  await attacker.page.goto(`/api/auth/callback/trainerday?${new URLSearchParams({ code: stolenCode!, state: attackerState })}`);
  await expect(attacker.page).toHaveURL(/\/connections\?error=code_rejected&service=trainerday$/);
  const attempts = (await sandboxRequests({ service: "trainerday", endpoint: "token" })).slice(before);
  expect(attempts).toMatchObject([{ status: 400, pkce: true }]);
  expect(await accountsOf(attacker.user.id)).toHaveLength(0);
  expect(await accountsOf(victim.user.id)).toHaveLength(0);
});

test("fuzzing every callback's query (fast-check): no 500, no token request, nothing stored, no redirect off-site", async ({ browser }) => {
  test.setTimeout(180_000);
  const { user, page } = await signedIn(browser);
  const api = page.request;
  const before = await tokenRequests();
  const value = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom("", "access_denied", "//evil.example", "javascript:alert(1)", "%00", "../../etc/passwd", "<script>", "a".repeat(5000)),
    fc.webUrl(),
  );
  const query = fc.dictionary(
    fc.constantFrom("code", "state", "error", "error_description", "token", "user_id", "callbackUrl", "iss", "scope"),
    value,
    { maxKeys: 6 },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(
        "/api/auth/callback/trainerday",
        "/api/auth/callback/enduco",
        "/api/connections/fitrankings/callback",
        "/api/connections/fitrankings/callback/forged-state",
      ),
      query,
      async (path, params) => {
        const response = await api.get(`${path}?${new URLSearchParams(params)}`, { maxRedirects: 0 });
        expect(response.status()).toBeLessThan(500);
        const location = response.headers().location;
        if (location) expect(new URL(location, APP_URL).origin).toBe(APP_URL);
      },
    ),
    { numRuns: 120, seed: 20261121 },
  );
  expect(await tokenRequests()).toBe(before);
  expect(await accountsOf(user.id)).toHaveLength(0);
  expect((await fetch(`${SANDBOX_URL}/__sandbox/health`)).ok).toBe(true);
});
