import { expect, request as playwrightRequest, test } from "@playwright/test";
import { APP_URL } from "./config";
import { credentialsSignIn } from "./fixtures/auth";
import { createUser } from "./fixtures/db";

// Runs in the "last" project (playwright.config.ts): after every other test, alone, so that the other workers'
// load does not blur the two medians it compares.

test.describe("sign-in abuse", () => {
  test("no user enumeration: same message, and median sign-in time for known and unknown emails within 20%", async () => {
    test.setTimeout(120_000);
    const known: number[] = [];
    const unknown: number[] = [];
    const api = await playwrightRequest.newContext({ baseURL: APP_URL });
    // Users first: hashing their passwords here (argon2id) must not overlap the timed requests.
    const users = [];
    for (let i = 0; i < 21; i++) users.push(await createUser("athlete", `timing-${i}`));
    for (const [i, user] of users.entries()) {
      const a = await credentialsSignIn(api, user.email, "not-the-password");
      const b = await credentialsSignIn(api, `absent-${i}-${Date.now()}@test.example`, "not-the-password");
      expect(a.error).toBe("CredentialsSignin");
      expect(b.error).toBe(a.error);
      known.push(a.elapsed);
      unknown.push(b.elapsed);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const [k, u] = [median(known), median(unknown)];
    test.info().annotations.push({ type: "timing", description: `median known ${k.toFixed(1)} ms, unknown ${u.toFixed(1)} ms` });
    expect(Math.abs(k - u) / Math.max(k, u)).toBeLessThan(0.2);
  });
});
