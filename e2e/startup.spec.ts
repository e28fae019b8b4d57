import { spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { nextStartCommand, SERVER_ENV } from "../scripts/next-start";
import { SPARE_DATABASES } from "./config";

/** Runs `next start` on a spare port with `env` and resolves with its exit code and output. */
function startServer(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(...nextStartCommand(3199), {
      // Empty values shadow any .env.local on a developer's machine.
      env: {
        PATH: process.env.PATH ?? "",
        ...SERVER_ENV,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        NEXTAUTH_SECRET: "",
        TOKEN_ENCRYPTION_KEY: "",
        DATABASE_URL: SPARE_DATABASES.startup(),
        ...env,
      },
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill("SIGTERM"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test("the production server refuses to start without its secrets and names them", async () => {
  const { code, output } = await startServer({});
  expect(code).toBe(1);
  expect(output).toContain("NEXTAUTH_SECRET: is missing");
  expect(output).toContain("TOKEN_ENCRYPTION_KEY: is missing");
});

test("the production server refuses a malformed encryption key with a clear message", async () => {
  const { code, output } = await startServer({ NEXTAUTH_SECRET: "x".repeat(40), TOKEN_ENCRYPTION_KEY: "too-short" });
  expect(code).toBe(1);
  expect(output).toContain("TOKEN_ENCRYPTION_KEY entry 1 is not base64 of exactly 32 bytes");
  expect(output).not.toContain("too-short");
});
