import { randomBytes } from "node:crypto";
import { defineConfig, devices } from "@playwright/test";
import { APP_URL, E2E_ENGINE, E2E_WORKERS } from "./e2e/config";
import { browserLaunchOptions } from "./scripts/browser";

// The servers' NEXTAUTH_SECRET, fresh per run, kept in the runner's environment: the test workers inherit it, so
// their own reading of this file finds the same value (a fresh one there would differ), and e2e/fixtures/unsubscribe.ts
// signs unsubscribe links with it as the app does.
process.env.E2E_NEXTAUTH_SECRET ??= randomBytes(32).toString("base64");

const secrets = {
  // Fresh per run (the e2e databases are recreated each run too), for the servers scripts/e2e-server.ts starts.
  NEXTAUTH_SECRET: process.env.E2E_NEXTAUTH_SECRET,
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
};

const LAST = /(canary|sign-in-timing)\.spec\.ts$/;
const chromium = { ...devices["Desktop Chrome"], launchOptions: browserLaunchOptions() };

export default defineConfig({
  testDir: "./e2e",
  outputDir: "test-results",
  // Files are spread over the workers; each worker has its own app, sandbox and database (e2e/config.ts), so
  // a test that switches the sandbox into a failure mode disturbs no other worker. Tests in one file run in order.
  fullyParallel: false,
  workers: E2E_WORKERS,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    // Each worker re-reads this file with its own TEST_PARALLEL_INDEX, so APP_URL is that worker's app.
    baseURL: APP_URL,
    // Recording a trace costs about a quarter of the suite's time on 2 cores; E2E_TRACE=1 keeps one per failure.
    trace: process.env.E2E_TRACE === "1" ? "retain-on-failure" : "off",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "chromium", use: chromium, testIgnore: LAST },
    // After every other test, one at a time: the canary scan of every token the run's sandboxes issued, and the
    // one test that compares timings (no other worker's load may blur them).
    { name: "last", use: chromium, testMatch: LAST, dependencies: ["chromium"], workers: 1 },
  ],
  webServer: {
    command: "node_modules/.bin/tsx scripts/e2e-server.ts",
    wait: { stdout: /e2e servers ready/ },
    env: {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      E2E_WORKERS: String(E2E_WORKERS),
      OUTBOUND_TIMEOUT_MS: "3000",
      REFRESHER_INTERVAL_MS: "1000",
      TRUST_PROXY_HOPS: "1",
      ...secrets,
    },
    reuseExistingServer: false,
    // process.env reaches the server script as well (E2E_DATABASE, E2E_POSTGRES_URL). On PostgreSQL it may have
    // started a throwaway server, which runs detached (pg_ctl): end the script with SIGTERM, not the default
    // SIGKILL, so that it stops that server on its way out.
    ...(E2E_ENGINE === "postgres" ? { gracefulShutdown: { signal: "SIGTERM" as const, timeout: 20_000 } } : {}),
    stdout: "pipe",
    stderr: "pipe",
    timeout: 300_000,
  },
});
