/**
 * enduco's deregister and plan_changed webhooks (sandbox/services/enduco-webhooks.ts), fired through
 * POST /__sandbox/enduco/webhook.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { describe, test } from "node:test";
import { decodeJwt } from "jose";
import { startSandbox } from "../server.js";
import {
  CALLBACK,
  EN,
  assertOAuthError,
  base,
  basic,
  enCode,
  enRefresh,
  enToken,
  enTokens,
  json,
  recorded,
  sandboxPerFile,
  sandboxTokens,
} from "../test-helpers.js";

sandboxPerFile();

interface ReceivedHook {
  method: string;
  path: string;
  contentType: string;
  body: unknown;
}

/** A tiny webhook receiver on a free port; answers `status` (changeable) and keeps what it got. */
async function startReceiver(): Promise<{ url: string; received: ReceivedHook[]; setStatus(s: number): void; server: Server }> {
  const received: ReceivedHook[] = [];
  let status = 204;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        contentType: req.headers["content-type"] ?? "",
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown,
      });
      res.writeHead(status, status === 302 ? { Location: "http://127.0.0.1:1/elsewhere" } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, setStatus: (s) => (status = s), server };
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function fireWebhook(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/__sandbox/enduco/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("enduco webhooks", () => {
  test("plan_changed and deregister reach the configured URLs with the JWT sub; deregister revokes", async () => {
    const receiver = await startReceiver();
    const hooked = await startSandbox({
      port: 0,
      env: {
        ENDUCO_DEREGISTER_WEBHOOK_URL: `${receiver.url}/hooks/deregister?k=s3cret`,
        ENDUCO_PLAN_CHANGED_WEBHOOK_URL: `${receiver.url}/hooks/plan`,
      },
      log: () => {},
    });
    try {
      const link = async (username: string): Promise<Record<string, unknown>> => {
        const code = await enCode({ username }, hooked.url);
        const res = await enToken({ grant_type: "code", code, redirect_uri: CALLBACK }, basic(EN.id, EN.secret), hooked.url);
        assert.equal(res.status, 200);
        return json(res);
      };
      const tokens = await link("wendy");
      const other = await link("xavier");
      const sub = decodeJwt(String(tokens.access_token)).sub;
      assert.match(String(sub), /^[0-9a-f]{24}$/);

      const before = Date.now();
      const plan = await fireWebhook(hooked.url, { kind: "plan_changed", account: "wendy" });
      assert.equal(plan.status, 200);
      assert.deepEqual(await plan.json(), { delivered: true, status: 204 });
      assert.equal(receiver.received.length, 1);
      const first = receiver.received[0];
      assert.ok(first);
      assert.equal(first.method, "POST");
      assert.equal(first.path, "/hooks/plan");
      assert.equal(first.contentType, "application/json");
      const planBody = first.body as Record<string, unknown>;
      assert.deepEqual(Object.keys(planBody), ["userId", "event", "occurredAt"]);
      assert.equal(planBody.userId, sub);
      assert.equal(planBody.event, "plan_changed");
      const at = Date.parse(String(planBody.occurredAt));
      assert.ok(at >= before - 1000 && at <= Date.now() + 1000);
      assert.equal(new Date(at).toISOString(), planBody.occurredAt);
      assert.equal((await enRefresh(String(tokens.refresh_token), hooked.url)).status, 200, "plan_changed revokes nothing");

      receiver.setStatus(500);
      const dereg = await fireWebhook(hooked.url, { kind: "deregister", account: "wendy" });
      assert.deepEqual(await dereg.json(), { delivered: true, status: 500 });
      const second = receiver.received[1];
      assert.ok(second);
      assert.equal(second.path, "/hooks/deregister?k=s3cret");
      assert.deepEqual(
        { ...(second.body as Record<string, unknown>), occurredAt: "" },
        {
          userId: sub,
          event: "deregister",
          occurredAt: "",
        },
      );
      await assertOAuthError(await enRefresh(String(tokens.refresh_token), hooked.url), 400, "invalid_grant");
      const list = await sandboxTokens("enduco", hooked.url);
      assert.ok(list.filter((t) => t.account === "wendy").every((t) => t.active === false));
      assert.equal((await enRefresh(String(other.refresh_token), hooked.url)).status, 200, "other accounts untouched");

      receiver.setStatus(302);
      const moved = await fireWebhook(hooked.url, { kind: "plan_changed", account: "xavier" });
      assert.deepEqual(await moved.json(), { delivered: true, status: 302 }, "redirects are not followed");
      assert.equal(receiver.received.length, 3);

      assert.deepEqual(
        (await recorded("enduco", "webhook", hooked.url)).map((r) => [r.service, r.endpoint, r.event, r.status, r.account]),
        [
          ["enduco", "webhook", "plan_changed", 204, "wendy"],
          ["enduco", "webhook", "deregister", 500, "wendy"],
          ["enduco", "webhook", "plan_changed", 302, "xavier"],
        ],
      );

      await closeServer(receiver.server);
      const down = await fireWebhook(hooked.url, { kind: "plan_changed", account: "wendy" });
      assert.equal(down.status, 502);
      assert.deepEqual(await down.json(), { error: "webhook_unreachable" });
      const last = (await recorded("enduco", "webhook", hooked.url)).at(-1);
      assert.equal(last?.status, 0);
    } finally {
      await hooked.close();
      await closeServer(receiver.server);
    }
  });

  test("a receiver that never answers → 502 after the webhook timeout", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer(() => {
      /* never answers */
    });
    silent.on("connection", (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const hooked = await startSandbox({
      port: 0,
      env: { ENDUCO_PLAN_CHANGED_WEBHOOK_URL: `http://127.0.0.1:${port}/` },
      webhookTimeoutMs: 200,
      log: () => {},
    });
    try {
      const started = Date.now();
      const res = await fireWebhook(hooked.url, { kind: "plan_changed", account: "yara" });
      assert.equal(res.status, 502);
      assert.deepEqual(await res.json(), { error: "webhook_unreachable" });
      assert.ok(Date.now() - started >= 150);
      const unset = await fireWebhook(hooked.url, { kind: "deregister", account: "yara" });
      assert.equal(unset.status, 409, "only the plan-changed URL is configured");
      await unset.text();
    } finally {
      await hooked.close();
      for (const s of sockets) s.destroy();
      await closeServer(silent);
    }
  });

  test("unconfigured URL → 409 without revoking; bad bodies → 400; bad URL fails start without echoing it", async () => {
    const tokens = await enTokens("zoe");
    const res = await fireWebhook(base, { kind: "deregister", account: "zoe" });
    assert.equal(res.status, 409);
    assert.deepEqual(await res.json(), { error: "webhook_url_not_configured" });
    assert.equal((await enRefresh(String(tokens.refresh_token))).status, 200, "nothing revoked");
    assert.deepEqual(await recorded("enduco", "webhook"), []);

    const bad: unknown[] = ["{", [], { kind: "cancelled", account: "zoe" }, { kind: "deregister" }, { kind: "deregister", account: "no spaces" }];
    for (const body of bad) {
      const r = await fireWebhook(base, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      await r.text();
    }
    const get = await fetch(`${base}/__sandbox/enduco/webhook`);
    assert.equal(get.status, 405);
    await get.text();

    await assert.rejects(
      startSandbox({ port: 0, env: { ENDUCO_DEREGISTER_WEBHOOK_URL: "ftp://host/secret-path" }, log: () => {} }),
      (err: Error) => err.message.includes("ENDUCO_DEREGISTER_WEBHOOK_URL") && !err.message.includes("secret-path"),
    );
  });
});
