import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  captureLogs,
  componentLog,
  createLogger,
  currentRequestId,
  errorFields,
  log,
  REDACTED,
  requestIdFrom,
  runWithRequestContext,
  withRequestContext,
} from "@/lib/log";

/** A logger at `level` whose lines land, as text, in the returned array. */
function captured(level: Parameters<typeof createLogger>[1] = "info") {
  const lines: string[] = [];
  const logger = createLogger({ write: (line: string) => void lines.push(line) }, level);
  return { logger, lines };
}

const CANARY = "canary-9f1c2e7d";
const SECRET_KEYS = [
  "access_token",
  "accessToken",
  "refresh_token",
  "refreshToken",
  "id_token",
  "token",
  "masterToken",
  "code",
  "code_verifier",
  "client_secret",
  "clientSecret",
  "secret",
  "password",
  "authorization",
  "cookie",
  "set-cookie",
  "apiKey",
  "api_key",
];

describe("redaction", () => {
  for (const key of SECRET_KEYS) {
    it(`censors "${key}" at the top level, one and two objects deep`, () => {
      const { logger, lines } = captured();
      logger.info({ [key]: CANARY }, "top");
      logger.info({ tokens: { [key]: CANARY } }, "nested");
      logger.info({ response: { body: { [key]: CANARY } } }, "deeper");
      logger.child({ [key]: CANARY }).info("child bindings");
      assert.equal(lines.length, 4);
      for (const line of lines) {
        assert.doesNotMatch(line, new RegExp(CANARY), line);
        assert.match(line, /\[redacted\]/);
      }
    });
  }

  it("censors inside arrays and three objects deep, and leaves the caller's objects as they were", () => {
    const { logger, lines } = captured();
    const fields = { passes: [{ tokens: { access_token: CANARY } }], a: { b: { c: { password: CANARY } } }, note: "kept" };
    logger.info(fields, "deep");
    assert.doesNotMatch(lines[0]!, new RegExp(CANARY));
    const line = JSON.parse(lines[0]!) as typeof fields;
    assert.deepEqual(line.passes, [{ tokens: { access_token: REDACTED } }]);
    assert.deepEqual(line.a, { b: { c: { password: REDACTED } } });
    assert.equal(line.note, "kept");
    assert.equal(fields.passes[0]!.tokens.access_token, CANARY);
    assert.equal(fields.a.b.c.password, CANARY);
  });

  it("censors every request header and the headers object's authorization and cookie", () => {
    const { logger, lines } = captured();
    logger.info({ headers: { authorization: `Bearer ${CANARY}`, cookie: `s=${CANARY}`, "x-anything": CANARY } }, "headers");
    logger.info({ req: { headers: { "x-custom": CANARY } } }, "req");
    logger.info({ request: { headers: { "x-custom": CANARY } } }, "request");
    for (const line of lines) assert.doesNotMatch(line, new RegExp(CANARY), line);
    assert.deepEqual((JSON.parse(lines[0]!) as { headers: unknown }).headers, { authorization: REDACTED, cookie: REDACTED, "x-anything": REDACTED });
  });

  it("keeps the other fields of the line as they are", () => {
    const { logger, lines } = captured();
    logger.info({ service: "trainerday", status: 400, tokens: { expires_in: 3600, refresh_token: CANARY } }, "kept");
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.service, "trainerday");
    assert.equal(line.status, 400);
    assert.deepEqual(line.tokens, { expires_in: 3600, refresh_token: REDACTED });
    assert.equal(line.msg, "kept");
    assert.equal(line.level, "info");
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

describe("request context", () => {
  it("adds requestId to every line written inside runWithRequestContext, child loggers and awaited work included", async () => {
    const { logger, lines } = captured();
    logger.info("before");
    await runWithRequestContext("req-0123456789", async () => {
      logger.info("first");
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.child({ component: "x" }).warn("after an await");
      assert.equal(currentRequestId(), "req-0123456789");
    });
    logger.info("after");
    const ids = lines.map((line) => (JSON.parse(line) as { requestId?: string }).requestId);
    assert.deepEqual(ids, [undefined, "req-0123456789", "req-0123456789", undefined]);
    assert.equal(currentRequestId(), undefined);
  });

  it("keeps two concurrent requests' ids apart", async () => {
    const { logger, lines } = captured();
    const serve = (id: string, delayMs: number) =>
      runWithRequestContext(id, async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        logger.info({ expected: id }, "served");
      });
    await Promise.all([serve("request-aaaaaaaa", 10), serve("request-bbbbbbbb", 1)]);
    for (const line of lines.map((l) => JSON.parse(l) as { requestId: string; expected: string })) assert.equal(line.requestId, line.expected);
    assert.equal(lines.length, 2);
  });

  it("withRequestContext runs a route handler under the id of the request's x-request-id", async () => {
    const lines = await captureLogs(() =>
      withRequestContext(async (request: Request, word: string) => {
        log.info({ word }, "handled");
        return request.url;
      })(new Request("http://localhost/api/x", { headers: { "x-request-id": "lb-abcdef12" } }), "hello"),
    );
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.requestId, "lb-abcdef12");
    assert.equal(lines[0]!.word, "hello");
  });
});

describe("requestIdFrom", () => {
  it("keeps an incoming x-request-id of 8 to 64 safe characters", () => {
    for (const id of ["abcdefgh", "7f3c9a2e-1b4d-4e8f-9a6b-2c1d3e4f5a6b", "lb.1234_5678-x", "a".repeat(64)])
      assert.equal(requestIdFrom(new Headers({ "x-request-id": id })), id);
  });

  it("replaces a missing, short, long or unsafe one with a random UUID", () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(requestIdFrom(new Headers()), uuid);
    for (const id of ["short", "a".repeat(65), "has space in it", 'quote"injected', "new\\nline-in-it", "emoji-😀-12345"]) {
      const headers = { get: (name: string) => (name === "x-request-id" ? id : null) };
      assert.match(requestIdFrom(headers), uuid, id);
    }
    assert.notEqual(requestIdFrom(new Headers()), requestIdFrom(new Headers()));
  });
});

describe("levels", () => {
  it("writes nothing below the logger's level and nothing at all when silent", () => {
    const warn = captured("warn");
    warn.logger.debug("d");
    warn.logger.info("i");
    warn.logger.warn("w");
    warn.logger.error("e");
    assert.deepEqual(
      warn.lines.map((l) => (JSON.parse(l) as { msg: string }).msg),
      ["w", "e"],
    );
    const silent = captured("silent");
    silent.logger.fatal("f");
    assert.deepEqual(silent.lines, []);
    const trace = captured("trace");
    trace.logger.trace("t");
    assert.equal(trace.lines.length, 1);
  });

  it("the app logger honours the level its test destination is given, then restores it", async () => {
    const atWarn = await captureLogs(() => {
      log.info("dropped");
      log.warn("kept");
    }, "warn");
    assert.deepEqual(
      atWarn.map((l) => l.msg),
      ["kept"],
    );
    const atDebug = await captureLogs(() => log.debug("debug line"), "debug");
    assert.deepEqual(
      atDebug.map((l) => [l.level, l.msg]),
      [["debug", "debug line"]],
    );
  });
});

describe("componentLog", () => {
  it("adds its component to every line and follows the level a test sets", async () => {
    const refresher = componentLog("refresher-test");
    const lines = await captureLogs(() => {
      refresher.info({ refreshed: 3 }, "refresher pass");
      refresher.debug("detail");
    }, "debug");
    assert.deepEqual(
      lines.map((l) => [l.component, l.msg, l.level]),
      [
        ["refresher-test", "refresher pass", "info"],
        ["refresher-test", "detail", "debug"],
      ],
    );
    assert.deepEqual(
      (await captureLogs(() => refresher.info("dropped"), "warn")).map((l) => l.msg),
      [],
    );
  });
});

describe("errorFields", () => {
  it("gives the name and a string code, never the message, and survives redaction", () => {
    assert.deepEqual(errorFields(Object.assign(new Error(`locked near ${CANARY}`), { name: "SqliteError", code: "SQLITE_BUSY" })), {
      error: "SqliteError",
      errorCode: "SQLITE_BUSY",
    });
    assert.deepEqual(errorFields(new TypeError(CANARY)), { error: "TypeError" });
    assert.deepEqual(errorFields(CANARY), { error: "error" });
    const { logger, lines } = captured();
    logger.error(errorFields(Object.assign(new Error("x"), { code: "40P01" })), "failed");
    assert.equal((JSON.parse(lines[0]!) as { errorCode: string }).errorCode, "40P01");
  });
});
