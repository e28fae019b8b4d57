import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chromium, defineConfig, devices } from "@playwright/test";
import { APP_PORT, APP_URL, E2E_DB, SANDBOX_PORT, SANDBOX_URL } from "./e2e/config";
import { sandboxServiceEnv } from "./scripts/sandbox-env";

/**
 * Playwright's own Chromium when it is installed; otherwise the system's (Debian: /usr/bin/chromium), or
 * CHROMIUM_PATH when set. The extra flags keep a root, offline Chromium quiet and working.
 */
function browserLaunch() {
  const custom = process.env.CHROMIUM_PATH;
  let bundled = false;
  try {
    bundled = existsSync(chromium.executablePath());
  } catch {
    bundled = false;
  }
  const executablePath = custom ?? (bundled ? undefined : existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  return {
    executablePath,
    args: executablePath
      ? ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
      : [],
  };
}

const secrets = {
  // Fresh per run: the e2e database is recreated each run too.
  NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
};

export default defineConfig({
  testDir: "./e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1, // tests switch the shared sandbox into failure modes
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: APP_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: browserLaunch(),
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], launchOptions: browserLaunch() } }],
  webServer: [
    {
      command: "node_modules/.bin/tsx sandbox/server.ts",
      url: `${SANDBOX_URL}/__sandbox/health`,
      env: { SANDBOX_PORT: String(SANDBOX_PORT), ...sandboxServiceEnv(SANDBOX_URL, APP_URL) },
      reuseExistingServer: false,
      stdout: "ignore",
      timeout: 30_000,
    },
    {
      command: "node_modules/.bin/tsx scripts/e2e-server.ts",
      url: `${APP_URL}/login`,
      env: {
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        PORT: String(APP_PORT),
        DATABASE_URL: E2E_DB,
        NEXTAUTH_URL: APP_URL,
        OUTBOUND_TIMEOUT_MS: "3000",
        REFRESHER_INTERVAL_MS: "1000",
        TRUST_PROXY: "true",
        ...secrets,
        ...sandboxServiceEnv(SANDBOX_URL, APP_URL),
      },
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      timeout: 300_000,
    },
  ],
});
