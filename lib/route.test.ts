import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { NextRequest } from "next/server";
import type { SessionUser } from "@/lib/auth/users";
import { ForbiddenError } from "@/lib/authz";
import { captureLogs, log } from "@/lib/log";
import { aliasServerNextNavigation } from "@/tests/helpers/next-server";

process.env.NEXTAUTH_URL = "http://localhost:3000";
// next/navigation (and ./route, which imports it) only after the alias: static imports are all linked before any
// code here runs, and Node's ESM loader refuses a CommonJS module whose cache entry changed after linking.
aliasServerNextNavigation();
let route: typeof import("./route");
let redirect: typeof import("next/navigation").redirect;

before(async () => {
  route = await import("./route");
  ({ redirect } = await import("next/navigation"));
});

const coach: SessionUser = { id: "coach-1", email: "coach@test.example", name: "Coach", role: "coach" };
const athlete: SessionUser = { id: "athlete-1", email: "athlete@test.example", name: "Athlete", role: "athlete" };
const request = () => new NextRequest("http://localhost:3000/coach/export?q=ann%40example.com");
const noParams = { params: Promise.resolve({}) };

/** withPermission over a fixed user, and a handler that records its calls and answers `answer()`. */
function guarded(user: SessionUser | null, answer: () => Response | Promise<Response> = () => new Response("csv", { status: 200 })) {
  const calls: { user: SessionUser; params: unknown; url: string }[] = [];
  const handler = route.permissionWrapper(async () => user)<{ id?: string }>("roster.read", async ({ request, user, params }) => {
    calls.push({ user, params, url: request.url });
    return answer();
  });
  return { handler, calls };
}

async function json(response: Response) {
  return JSON.parse(await response.text()) as unknown;
}

describe("withPermission (lib/route.ts)", () => {
  it("signed out: 303 to /login, no-store, the handler never runs", async () => {
    const { handler, calls } = guarded(null);
    const response = await handler(request(), noParams);
    assert.equal(response.status, 303);
    assert.equal(response.headers.get("location"), "http://localhost:3000/login");
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(calls.length, 0);
  });

  it("signed in without the permission: 403 with one sentence, no-store, the handler never runs", async () => {
    const { handler, calls } = guarded(athlete);
    const response = await handler(request(), noParams);
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.deepEqual(await json(response), { error: "You do not have permission to do that." });
    assert.equal(calls.length, 0);
  });

  it("with the permission: the handler gets the user and the awaited params; its answer is kept, forced to no-store", async () => {
    const { handler, calls } = guarded(
      coach,
      () => new Response("csv", { status: 200, headers: { "Cache-Control": "public, max-age=600", "Content-Type": "text/csv" } }),
    );
    const response = await handler(request(), { params: Promise.resolve({ id: "x" }) });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "csv");
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(response.headers.get("content-type"), "text/csv");
    assert.deepEqual(calls, [{ user: coach, params: { id: "x" }, url: request().url }]);
  });

  it("an answer with immutable headers (Response.redirect) still gets no-store", async () => {
    const { handler } = guarded(coach, () => Response.redirect("http://localhost:3000/coach", 303));
    const response = await handler(request(), noParams);
    assert.equal(response.status, 303);
    assert.equal(response.headers.get("location"), "http://localhost:3000/coach");
    assert.equal(response.headers.get("cache-control"), "no-store");
  });

  it("a ForbiddenError from a data function: 403 with its message, no-store", async () => {
    const { handler } = guarded(coach, () => {
      throw new ForbiddenError("You may not see this athlete.");
    });
    const response = await handler(request(), noParams);
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.deepEqual(await json(response), { error: "You may not see this athlete." });
  });

  it("an unexpected error: 500 with a generic sentence; only its name and code reach the server log", async () => {
    const secret = "v1.k.sealed-token-in-a-message";
    const { handler } = guarded(coach, () => {
      throw Object.assign(new Error(`database is locked near ${secret}`), { name: "SqliteError", code: "SQLITE_BUSY" });
    });
    let response!: Response;
    const logged = await captureLogs(async () => (response = await handler(request(), noParams)));
    {
      assert.equal(response.status, 500);
      assert.equal(response.headers.get("cache-control"), "no-store");
      const body = await response.text();
      assert.deepEqual(JSON.parse(body), { error: "Something went wrong on our side. Please try again." });
      assert.doesNotMatch(body, /locked|v1\.k|Sqlite/);
      assert.equal(logged.length, 1);
      const { level, msg, method, path, permission, error, errorCode } = logged[0]!;
      assert.deepEqual(
        { level, msg, method, path, permission, error, errorCode },
        {
          level: "error",
          msg: "route failed",
          method: "GET",
          path: "/coach/export",
          permission: "roster.read",
          error: "SqliteError",
          errorCode: "SQLITE_BUSY",
        },
      );
      assert.doesNotMatch(JSON.stringify(logged[0]), /locked|v1\.k|ann/);
    }
    // Reading the session can fail too (no request scope, a database error): the same 500.
    let failingSession!: Response;
    const sessionLines = await captureLogs(
      async () =>
        (failingSession = await route.permissionWrapper(async () => {
          throw new TypeError("cookies() outside a request");
        })("roster.read", async () => new Response("never"))(request(), noParams)),
    );
    assert.equal(failingSession.status, 500);
    assert.equal(failingSession.headers.get("cache-control"), "no-store");
    assert.deepEqual(
      sessionLines.map((l) => [l.msg, l.error]),
      [["route failed", "TypeError"]],
    );
  });

  it("the handler's log lines, and the wrapper's, carry the request's id (x-request-id from proxy.ts)", async () => {
    const handler = route.permissionWrapper(async () => coach)("roster.read", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.info("in the handler");
      throw new TypeError("boom");
    });
    const logged = await captureLogs(() =>
      handler(new NextRequest("http://localhost:3000/coach/export", { headers: { "x-request-id": "edge-1234abcd" } }), noParams),
    );
    assert.deepEqual(
      logged.map((l) => [l.msg, l.requestId]),
      [
        ["in the handler", "edge-1234abcd"],
        ["route failed", "edge-1234abcd"],
      ],
    );
  });

  it("Next.js's own control flow (redirect()) passes through untouched", async () => {
    const { handler } = guarded(coach, () => redirect("/coach"));
    await assert.rejects(
      handler(request(), noParams),
      (error: unknown) => (error as { digest?: string }).digest?.startsWith("NEXT_REDIRECT") === true,
    );
  });

  it("routeError: { error: sentence } as JSON with the status and no-store", async () => {
    const response = route.routeError(400, "Invalid filter parameters.");
    assert.equal(response.status, 400);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(await json(response), { error: "Invalid filter parameters." });
  });
});

describe("readCappedText (lib/route.ts)", () => {
  /** A POST whose body arrives in `chunks`, counting how many of them were pulled. */
  function streamed(chunks: string[], headers: Record<string, string> = {}) {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const next = chunks[pulled];
          if (next === undefined) return controller.close();
          pulled += 1;
          controller.enqueue(new TextEncoder().encode(next));
        },
      },
      { highWaterMark: 0 },
    ); // pulled on read only
    const req = new Request("http://localhost:3000/api/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);
    return { req, pulled: () => pulled };
  }

  it("reads a body within the limit as UTF-8, and an absent body as empty", async () => {
    assert.equal(await route.readCappedText(streamed(["List-Unsubscribe=", "One-Click"]).req, 64), "List-Unsubscribe=One-Click");
    assert.equal(await route.readCappedText(new Request("http://localhost:3000/api/x", { method: "POST" }), 64), "");
  });

  it("a declared Content-Length over the limit is refused before anything is read", async () => {
    const { req, pulled } = streamed(["x".repeat(10)], { "content-length": "1000" });
    assert.equal(await route.readCappedText(req, 64), null);
    assert.equal(pulled(), 0);
  });

  it("a body that grows past the limit is refused and the rest is never read", async () => {
    const { req, pulled } = streamed(["x".repeat(40), "x".repeat(40), "x".repeat(40), "x".repeat(40)]);
    assert.equal(await route.readCappedText(req, 64), null);
    assert.ok(pulled() < 4, `pulled ${pulled()} chunks`);
  });
});
