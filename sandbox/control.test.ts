/**
 * The control API under /__sandbox (sandbox/control.ts): mode validation, expire, reset, health; with the server's
 * 404, 413 and index page.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { base, sandboxPerFile, tdTokens } from "./test-helpers.js";

sandboxPerFile();

describe("control API", () => {
  test("mode validation, expire, reset, health, 404, 413, index", async () => {
    const badMode = await fetch(`${base}/__sandbox/mode`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ service: "trainerday", mode: "unknown_user" }),
    });
    assert.equal(badMode.status, 400);
    await badMode.text();
    const badJson = await fetch(`${base}/__sandbox/mode`, { method: "POST", body: "{" });
    assert.equal(badJson.status, 400);
    await badJson.text();

    await tdTokens({ username: "ivy" });
    await tdTokens({ username: "jon" });
    const expire = await fetch(`${base}/__sandbox/expire`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ service: "trainerday", account: "ivy" }),
    });
    assert.deepEqual(await expire.json(), { expired: 1 });
    const list = (await (await fetch(`${base}/__sandbox/tokens?service=trainerday`)).json()) as Array<Record<string, unknown>>;
    const access = list.filter((t) => t.kind === "access");
    assert.deepEqual(
      access.map((t) => [t.account, t.active]),
      [
        ["ivy", false],
        ["jon", true],
      ],
    );

    assert.deepEqual(await (await fetch(`${base}/__sandbox/health`)).json(), { ok: true });
    await fetch(`${base}/__sandbox/reset`, { method: "POST" });
    assert.deepEqual(await (await fetch(`${base}/__sandbox/tokens`)).json(), []);

    const missing = await fetch(`${base}/nowhere`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: "not_found" });

    const huge = await fetch(`${base}/trainerday/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `grant_type=${"a".repeat(70 * 1024)}`,
    });
    assert.equal(huge.status, 413);
    await huge.text();

    const index = await (await fetch(`${base}/`)).text();
    for (const id of ["trainerday", "enduco", "fitrankings", "exorlive"]) assert.ok(index.includes(`${base}/${id}`));
  });
});
