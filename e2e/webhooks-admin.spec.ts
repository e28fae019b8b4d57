import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { createUser } from "./fixtures/db";
import { startWebhookReceiver } from "./fixtures/webhook-receiver";

// Issue 16: an admin registers a webhook endpoint (secret shown once), sends a test event, reads the delivery log,
// redelivers, and deletes the endpoint; and manages API keys (create, see only the prefix, revoke).

async function expectAccessible(page: Page) {
  const serious = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious).toEqual([]);
}

test("an admin adds a webhook endpoint, sends a signed test event, sees it delivered in the log, redelivers it with the same id, and deletes the endpoint", async ({
  page,
}) => {
  const admin = await createUser("admin", "webhooks-admin");
  const receiver = await startWebhookReceiver();
  await signIn(page, admin.email, admin.password);
  await page.goto("/admin/webhooks");
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("Endpoint URL").fill(receiver.url);
  await page.getByLabel("Description (optional)").fill("Planner sync");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const dialog = page.getByRole("dialog", { name: "Copy the signing secret now" });
  const secret = await dialog.getByLabel("Signing secret").inputValue();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
  await dialog.getByRole("button", { name: "Done" }).click();
  // The secret is gone from the page once the dialog closes, and after a reload.
  await page.reload();
  expect(await page.content()).not.toContain(secret);

  await page.getByRole("link", { name: receiver.url }).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect.poll(() => receiver.verified(secret).length, { timeout: 15_000 }).toBe(1);
  const [test1] = receiver.verified(secret);
  expect(test1!.payload.type).toBe("webhook.test");

  // The delivery log shows it delivered, with the receiver's 204.
  const log = page.getByRole("table", { name: "Deliveries to this endpoint" });
  await expect.poll(async () => (await page.reload(), await log.getByRole("row").nth(1).textContent()), { timeout: 15_000 }).toMatch(/delivered/i);
  await expect(log.getByRole("row").nth(1)).toContainText("204");
  await expectAccessible(page);

  // Redeliver: the same webhook-id again (receivers deduplicate on it), signed afresh.
  await log
    .getByRole("row")
    .nth(1)
    .getByRole("button", { name: /Redeliver/ })
    .click();
  await expect.poll(() => receiver.verified(secret).length, { timeout: 15_000 }).toBe(2);
  const [first, second] = receiver.verified(secret);
  expect(second!.id).toBe(first!.id);

  await page.getByRole("button", { name: "Delete endpoint" }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /Delete/ })
    .click();
  await expect(page).toHaveURL(/\/admin\/webhooks$/);
  await expect(page.getByRole("link", { name: receiver.url })).toHaveCount(0);
  await receiver.close();
});

test("an admin creates an API key (shown once, then only its prefix) and revokes it after a confirmation; the revoked key is refused", async ({
  page,
}) => {
  const admin = await createUser("admin", "keys-admin");
  await signIn(page, admin.email, admin.password);
  await page.goto("/admin/api-keys");
  await expectAccessible(page);
  await page.getByLabel("Name").fill("Data pipeline");
  await page.getByRole("checkbox", { name: /connections:read/ }).check();
  await page.getByRole("button", { name: "Create API key" }).click();
  const dialog = page.getByRole("dialog");
  const key = (await dialog.textContent())?.match(/tlk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/)?.[0];
  expect(key).toBeTruthy();
  await dialog.getByRole("button", { name: "Done" }).click();
  const authorized = { headers: { authorization: `Bearer ${key}` } };
  expect((await page.request.get("/api/v1/athletes", authorized)).status()).toBe(200);
  // Only connections:read: issuing a token is refused with the scope named.
  const refused = await page.request.post("/api/v1/connections/any/access-token", authorized);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).scope).toBe("tokens:issue");

  const row = page.getByRole("row", { name: /Data pipeline/ });
  await row.getByRole("button", { name: /Revoke/ }).click();
  await expect(page.getByRole("dialog")).toContainText("Data pipeline");
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /Revoke/ })
    .click();
  await expect(row).toContainText(/revoked/i);
  const after = await page.request.get("/api/v1/athletes", authorized);
  expect(after.status()).toBe(401);
  expect((await after.json()).title).toBe("API key revoked");
});

test("on a 390 px phone the API, webhooks and connections pages do not scroll sideways (wide tables scroll inside their box)", async ({ page }) => {
  const admin = await createUser("admin", "phone-admin");
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, admin.email, admin.password);
  const receiver = await startWebhookReceiver();
  await page.goto("/admin/webhooks");
  await page.getByLabel("Endpoint URL").fill(receiver.url);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();
  await page.getByRole("link", { name: receiver.url }).click();
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect.poll(() => receiver.raw().length, { timeout: 15_000 }).toBe(1);
  const endpointPage = page.url();
  for (const path of ["/admin/api-keys", "/admin/webhooks", endpointPage, "/admin/connections"]) {
    await page.goto(path);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
  }
  await receiver.close();
});
