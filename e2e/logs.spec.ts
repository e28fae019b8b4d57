import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, request as playwrightRequest, test } from "@playwright/test";
import { APP_URL, SERVER_LOG } from "./config";

// Structured logs (issue 17): request ids from proxy.ts, JSON lines in the server log (scripts/e2e-server.ts
// writes the app's stdout and stderr to SERVER_LOG), a refused API key logged by its prefix only.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The finished JSON lines of the server log (Next.js's own start-up lines are plain text and skipped). */
function jsonLines(): Record<string, unknown>[] {
  return readFileSync(SERVER_LOG, "utf8")
    .split("\n")
    .slice(0, -1) // the text after the last newline is a line still being written
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test("every /api answer carries a request id: a well-formed incoming one is kept, anything else replaced", async () => {
  const api = await playwrightRequest.newContext({ baseURL: APP_URL });
  const fresh = (await api.get("/api/health")).headers()["x-request-id"];
  expect(fresh).toMatch(UUID);
  expect((await api.get("/api/health")).headers()["x-request-id"]).not.toBe(fresh);
  expect((await api.get("/api/health", { headers: { "x-request-id": "lb-0123456789" } })).headers()["x-request-id"]).toBe("lb-0123456789");
  expect((await api.get("/api/health", { headers: { "x-request-id": "bad id" } })).headers()["x-request-id"]).toMatch(UUID);
  await api.dispose();
});

test("a refused API key is logged as one JSON line with the request's id and the key's prefix, never the key", async () => {
  const requestId = `e2e-${randomBytes(8).toString("hex")}`;
  const key = `tlk_00000000_${randomBytes(32).toString("base64url").slice(0, 43)}`;
  const api = await playwrightRequest.newContext({ baseURL: APP_URL });
  const response = await api.get("/api/v1/connections", { headers: { authorization: `Bearer ${key}`, "x-request-id": requestId } });
  expect(response.status()).toBe(401);
  expect(response.headers()["x-request-id"]).toBe(requestId);
  await api.dispose();

  await expect.poll(() => jsonLines().filter((line) => line.requestId === requestId).length, { timeout: 5_000 }).toBeGreaterThan(0);
  const mine = jsonLines().filter((line) => line.requestId === requestId);
  expect(mine).toEqual([
    expect.objectContaining({
      level: "warn",
      msg: "api key refused",
      method: "GET",
      path: "/api/v1/connections",
      status: 401,
      keyPrefix: "tlk_00000000",
    }),
  ]);
  expect(readFileSync(SERVER_LOG, "utf8")).not.toContain(key.slice(13));
});

test("every JSON line of the server log has time, level and msg", () => {
  const lines = jsonLines();
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(typeof line.time).toBe("string");
    expect(["fatal", "error", "warn", "info", "debug", "trace"]).toContain(line.level);
    expect(typeof line.msg).toBe("string");
  }
});
