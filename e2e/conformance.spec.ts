import { expect, test, type Page } from "@playwright/test";
import { CONFORMANCE } from "./config";
import { signIn } from "./fixtures/auth";

// Issue 12 point 12: a widely used, OpenID Certified authorization server (panva's oidc-provider) checks our
// client on every run. The conformance app's TrainerDay and enduco are oidc-provider instances configured at
// each doc's paths and client authentication (e2e/conformance/oidc-services.ts): link, refresh with rotation,
// and a Disconnect that leaves no live token there.

test.use({ baseURL: CONFORMANCE.appUrl });

type Token = { kind: string; account?: string; grantId?: string; consumed: boolean };
const SERVICES = [
  { id: "trainerday", name: "TrainerDay", port: CONFORMANCE.trainerdayPort },
  { id: "enduco", name: "enduco", port: CONFORMANCE.enducoPort },
] as const;

async function tokensAt(port: number, account: string): Promise<Token[]> {
  const all = (await (await fetch(`http://127.0.0.1:${port}/__conformance/tokens`)).json()) as Token[];
  return all.filter((t) => t.account === account);
}

const card = (page: Page, name: string) => page.getByRole("region", { name });

for (const service of SERVICES) {
  test(`${service.name} against oidc-provider: link, refresh with rotation, disconnect revokes everything`, async ({ page }) => {
    const account = `conformance-${service.id}-${Date.now().toString(36)}`;
    await signIn(page, "athlete@example.com", "demo1234");
    await page.goto("/connections");

    // Link: oidc-provider's own sign-in and consent pages.
    await card(page, service.name)
      .getByRole("button", { name: /^(Connect|Reconnect)$/ })
      .click();
    await expect(page).toHaveURL(new RegExp(`^http://127\\.0\\.0\\.1:${service.port}/interaction/`));
    await page.getByPlaceholder("Enter any login").fill(account);
    await page.getByPlaceholder("and password").fill("any-password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL(new RegExp(`/connections\\?linked=${service.id}$`));
    const linked = card(page, service.name);
    await expect(linked).toContainText("Connected");
    const issued = await tokensAt(service.port, account);
    expect(issued.filter((t) => t.kind === "RefreshToken" && !t.consumed)).toHaveLength(1);
    if (service.id === "enduco") await expect(linked).toContainText(account); // the JWT's sub is the service account

    // Refresh: a new access token and a rotated refresh token; the old one is spent.
    await linked.getByRole("button", { name: "Refresh" }).click();
    await expect(linked.getByRole("status").filter({ hasText: "refreshed:" })).toContainText(
      `${service.name} refreshed: the new access token expires in`,
    );
    await expect(linked).toContainText("Last refreshed");
    const after = await tokensAt(service.port, account);
    expect(after.filter((t) => t.kind === "RefreshToken" && t.consumed)).toHaveLength(1);
    expect(after.filter((t) => t.kind === "RefreshToken" && !t.consumed)).toHaveLength(1);

    // Disconnect: revoked at the server, so nothing stays live there.
    await linked.getByRole("button", { name: "Disconnect" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
    await expect(linked).toContainText("Not connected");
    await expect(linked.getByRole("status").filter({ hasText: "disconnected" })).toContainText(
      `${service.name} was disconnected and its access revoked.`,
    );
    expect((await tokensAt(service.port, account)).filter((t) => t.kind !== "AuthorizationCode" && !t.consumed)).toEqual([]);
  });
}
