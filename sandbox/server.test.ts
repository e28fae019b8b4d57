/** startSandbox (sandbox/server.ts, sandbox/app.ts): close() while a request is held, and the request log. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { startSandbox } from "./server.js";
import { TD, cleanEnv, form, logLines, sandboxPerFile, setMode, tdCode, tdRefresh, tdTokens } from "./test-helpers.js";

sandboxPerFile();

describe("startSandbox", () => {
  test("close() does not wait for a pending token_timeout", async () => {
    const other = await startSandbox({ port: 0, env: cleanEnv, log: () => {} });
    await setMode(other.url, "exorlive", "token_timeout");
    const pending = fetch(`${other.url}/exorlive/Providers/OAuth/Token.ashx`, { method: "POST", body: form({ grant_type: "x" }) });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await other.close();
    assert.ok(Date.now() - started < 2000);
    await assert.rejects(pending);
  });

  test("latencyMs holds every service call that long, and never the control API", async () => {
    const slow = await startSandbox({ port: 0, env: cleanEnv, log: () => {}, latencyMs: 300 });
    try {
      let started = performance.now();
      const answer = await fetch(`${slow.url}/trainerday/.well-known/openid-configuration`);
      assert.ok(performance.now() - started >= 290, "a service call waited the latency");
      assert.ok(answer.status < 500);
      started = performance.now();
      await fetch(`${slow.url}/__sandbox/health`);
      assert.ok(performance.now() - started < 290, "the control API does not");
    } finally {
      await slow.close();
    }
  });

  test("POST /__sandbox/latency changes the latency at run time; nonsense is refused", async () => {
    const other = await startSandbox({ port: 0, env: cleanEnv, log: () => {} });
    try {
      const set = (body: unknown) =>
        fetch(`${other.url}/__sandbox/latency`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.equal((await set({ ms: -1 })).status, 400);
      assert.equal((await set({ ms: 200 })).status, 200);
      assert.deepEqual(await (await fetch(`${other.url}/__sandbox/latency`)).json(), { ms: 200 });
      const started = performance.now();
      await fetch(`${other.url}/trainerday/.well-known/openid-configuration`);
      assert.ok(performance.now() - started >= 190);
    } finally {
      await other.close();
    }
  });

  test("SANDBOX_LATENCY_MS must be a whole number of milliseconds", async () => {
    await assert.rejects(startSandbox({ port: 0, env: { ...cleanEnv, SANDBOX_LATENCY_MS: "fast" }, log: () => {} }), /SANDBOX_LATENCY_MS/);
  });

  test("the log never contains tokens, codes or secrets", async () => {
    const tokens = await tdTokens();
    await tdRefresh(String(tokens.refresh_token));
    const code = await tdCode();
    const secrets = [String(tokens.access_token), String(tokens.refresh_token), code, TD.secret, "sbx-"];
    assert.ok(logLines.length > 0);
    for (const line of logLines) {
      assert.match(line, /^[A-Z]+ \S+ (\d{3}|aborted)$/);
      for (const s of secrets) assert.ok(!line.includes(s), `log line leaks: ${line}`);
    }
  });
});
