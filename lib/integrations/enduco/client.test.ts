import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { disconnectConnection } from "@/lib/connections/disconnect";
import { getFreshAccessToken } from "@/lib/connections/refresh";
import { rejectsGrantType } from "@/lib/integrations/enduco/client";
import { ServiceError } from "@/lib/integrations/http";
import { failed } from "@/lib/result";
import { startLifecycleEnv } from "@/tests/helpers/lifecycle";

// Issue 12 point 11: enduco's grant_type fallback also triggers on an invalid_request/invalid_grant answer that
// rejects the grant type, and a service that reads the doc's literal `Basic <CLIENT_ID>:<CLIENT_SECRET>` gets
// that form after one invalid_client. The secret holds `/+=`, where the two Basic forms differ.

type Env = Awaited<ReturnType<typeof startLifecycleEnv>>;
let env: Env;

before(async () => {
  env = await startLifecycleEnv({ enducoClientSecret: "s3cr/t+key==" });
});
after(() => env.sandbox.close());

const statuses = async (endpoint: string) => (await env.requests("enduco", endpoint)).map((r) => `${r.grantType ?? endpoint}:${r.status}`);

describe("enduco's quirks, against the sandbox", () => {
  it("a grant type refused with invalid_request falls back to authorization_code once and is remembered", async () => {
    await env.mode("enduco", "standard_grant_invalid_request");
    try {
      const before = (await statuses("token")).length;
      const { exchange } = await env.issueTokens("enduco", "grant-fallback");
      assert.equal(exchange.learned?.code_grant_type, "authorization_code");
      assert.deepEqual((await statuses("token")).slice(before), ["code:400", "authorization_code:200"]);
    } finally {
      await env.mode("enduco", "normal");
    }
  });

  it("only a refusal that names the grant type counts", () => {
    const refused = (oauthError: string, description?: string) => new ServiceError("invalid_request", "x", 400, oauthError, description);
    assert.equal(rejectsGrantType(new ServiceError("unsupported_grant_type", "x", 400, "unsupported_grant_type")), true);
    assert.equal(rejectsGrantType(refused("invalid_request", "Unsupported grant_type: code")), true);
    assert.equal(rejectsGrantType(refused("invalid_grant", "grant type not allowed for this client")), true);
    assert.equal(rejectsGrantType(refused("invalid_grant", "Authorization code expired.")), false);
    assert.equal(rejectsGrantType(refused("invalid_request")), false);
  });

  it("a service reading the literal Basic form gets it after one invalid_client, for the exchange, refreshes and the revocation", async () => {
    await env.mode("enduco", "literal_basic_auth");
    try {
      const before = (await statuses("token")).length;
      const { userId, connectionId } = await env.linkAthlete("enduco", { username: "literal-basic" });
      assert.deepEqual((await statuses("token")).slice(before), ["code:401", "code:200"]);
      const afterLink = (await statuses("token")).length;
      await getFreshAccessToken(connectionId, { force: true });
      assert.deepEqual((await statuses("token")).slice(afterLink), ["refresh_token:200"], "the form that worked is used at once");
      const result = await disconnectConnection({ athleteId: userId, actorId: userId, service: "enduco" });
      assert.ok(!failed(result) && result.revoked);
      assert.deepEqual((await statuses("revoke")).slice(-1), ["revoke:200"]);
    } finally {
      await env.mode("enduco", "normal");
    }
  });

  it("the learned form is reported for the next process, and the RFC form is tried again if the service changes back", async () => {
    const { exchange } = await env.issueTokens("enduco", "back-to-rfc");
    assert.equal(exchange.learned?.basic_auth, "rfc6749");
    const tail = (await statuses("token")).slice(-2);
    assert.deepEqual(tail, ["code:401", "code:200"], "the literal form (remembered) was refused, the RFC form worked");
  });
});
