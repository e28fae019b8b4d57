import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { exorlive } from "@/lib/integrations/exorlive/client";
import { startSandbox } from "@/sandbox/server";

// The ExorLive env is set once the sandbox is up (its URL is known only then), before lib/env's first read.
describe("ExorLive linkUser against the sandbox (real HTTP)", () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;

  before(async () => {
    const requesterUrl = "http://localhost:3000/exorlive";
    sandbox = await startSandbox({ port: 0, log: () => {}, env: { EXORLIVE_REQUESTER_URL: requesterUrl } });
    process.env.EXORLIVE_AUTH_URL = `${sandbox.url}/exorlive`;
    process.env.EXORLIVE_CLIENT_ID = "sandbox-exorlive-client";
    process.env.EXORLIVE_CLIENT_SECRET = "sandbox-exorlive-secret";
    process.env.EXORLIVE_REQUESTER_URL = requesterUrl;
  });
  after(() => sandbox.close());

  const mode = (m: string) =>
    fetch(`${sandbox.url}/__sandbox/mode`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: "exorlive", mode: m }),
    });

  it("obtains a code, then tokens, in the stored shape", async () => {
    const { tokens, accountId } = await exorlive().linkUser("31337");
    assert.equal(accountId, "31337");
    assert.match(tokens.accessToken, /^sbx-ex-at-/);
    assert.match(tokens.refreshToken ?? "", /^sbx-ex-rt-/);
    assert.equal(tokens.tokenType, "Bearer");
    assert.ok(tokens.expiresAt! - Math.floor(Date.now() / 1000) > 7190);
    assert.deepEqual(tokens.grantedScope, ["read_profile", "read_workout", "read_calendar"]);
  });

  it("says when the user is unknown, the service is down, or the answer is not JSON", async () => {
    await mode("unknown_user");
    await assert.rejects(exorlive().linkUser("1"), (e: Error & { oauthError?: string }) => e.oauthError === "invalid_user");
    await mode("token_503");
    await assert.rejects(exorlive().linkUser("1"), /ExorLive is unavailable \(HTTP 503\)/);
    await mode("token_invalid_json");
    await assert.rejects(exorlive().linkUser("1"), /ExorLive answered with a body that is not JSON/);
    await mode("normal");
  });

  it("refuses a user id that is not digits before calling the service", async () => {
    await assert.rejects(exorlive().linkUser("12; DROP"), /digits only/);
  });
});
