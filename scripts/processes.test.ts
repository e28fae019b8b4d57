import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runProcess, startProcess, waitUntilReady, type StartedProcess } from "./processes";

/** A port nothing listens on (bound once by the OS, then released). */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

/**
 * A child HTTP server on `port` answering `before` (a status) until `delayMs` after it listens, then `after`;
 * a 3xx redirects to /login, which answers 200. It prints "listening" once it listens.
 */
function httpChild(port: number, before: number, after: number, delayMs: number): StartedProcess {
  const script = `
    const started = Date.now();
    require("node:http").createServer((req, res) => {
      const status = req.url === "/login" ? 200 : Date.now() - started < ${delayMs} ? ${before} : ${after};
      res.writeHead(status, status >= 300 && status < 400 ? { location: "/login" } : {});
      res.end(String(status));
    }).listen(${port}, "127.0.0.1", () => console.log("listening"));`;
  return startProcess("test server", process.execPath, ["-e", script], { output: "pipe" });
}

/** Resolves when `proc` has printed `text` on stdout (its stdout is read to the end, so the child never blocks). */
function printed(proc: StartedProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    proc.child.stdout!.on("data", (chunk) => {
      out += String(chunk);
      if (out.includes(text)) resolve();
    });
    void proc.exited.then(() => reject(new Error(`${proc.name} ended without printing ${text}`)));
  });
}

describe("waitUntilReady", () => {
  it("resolves once the server answers 2xx, not while it answers 503", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/ready`;
    const server = httpChild(port, 503, 200, 1_500);
    try {
      await printed(server, "listening");
      assert.equal((await fetch(url)).status, 503);
      const started = Date.now();
      await waitUntilReady(url, { timeoutMs: 10_000 });
      assert.ok(Date.now() - started >= 1_000, `resolved after ${Date.now() - started} ms, while the server still answered 503`);
      assert.equal((await fetch(url)).status, 200);
    } finally {
      await server.stop();
    }
  });

  it("rejects naming the URL and the timeout when nothing answers", async () => {
    const url = `http://127.0.0.1:${await freePort()}/api/ready`;
    const started = Date.now();
    await assert.rejects(waitUntilReady(url, { timeoutMs: 600 }), (error: Error) => {
      assert.equal(error.message, `${url} was not ready (2xx) within 600 ms: nothing answers there`);
      return true;
    });
    assert.ok(Date.now() - started < 4_000);
  });

  it("rejects when the server answers 503, or a redirect, for the whole timeout", async () => {
    for (const status of [503, 302]) {
      const port = await freePort();
      const server = httpChild(port, status, status, 0);
      try {
        await printed(server, "listening");
        const url = `http://127.0.0.1:${port}/api/ready`;
        await assert.rejects(waitUntilReady(url, { timeoutMs: 800 }), {
          message: `${url} was not ready (2xx) within 800 ms: it answers HTTP ${status}`,
        });
      } finally {
        await server.stop();
      }
    }
  });
});

describe("startProcess", () => {
  it("stop() ends a child that ignores SIGTERM with SIGKILL once the bound has passed", async () => {
    const script = `process.on("SIGTERM", () => console.log("ignored SIGTERM")); console.log("ready"); setInterval(() => {}, 1000);`;
    const proc = startProcess("stubborn", process.execPath, ["-e", script], { output: "pipe", stopTimeoutMs: 700 });
    await printed(proc, "ready");
    const started = Date.now();
    await proc.stop();
    const took = Date.now() - started;
    assert.ok(took >= 650 && took < 5_000, `stopped after ${took} ms`);
    assert.deepEqual(await proc.exited, { code: null, signal: "SIGKILL" });
    await proc.stop(); // a second stop of an ended process resolves at once
  });

  it("stop() of a child that obeys SIGTERM resolves without waiting for the bound", async () => {
    const proc = startProcess("sleeper", process.execPath, ["-e", `console.log("ready"); setInterval(() => {}, 1000);`], {
      output: "pipe",
      stopTimeoutMs: 10_000,
    });
    await printed(proc, "ready");
    const started = Date.now();
    await proc.stop();
    assert.ok(Date.now() - started < 5_000);
    assert.deepEqual(await proc.exited, { code: null, signal: "SIGTERM" });
  });

  it("a file output gets the child's stdout and stderr, appended; env is the child's whole environment", async () => {
    const log = join(mkdtempSync(join(tmpdir(), "processes-")), "server.log");
    writeFileSync(log, "before\n");
    const script = `console.log("out " + process.env.ONLY); console.error("err " + (process.env.HOME ?? "no HOME"));`;
    const proc = startProcess("writer", process.execPath, ["-e", script], { output: log, env: { ONLY: "this" } });
    assert.deepEqual(await proc.exited, { code: 0, signal: null });
    assert.equal(readFileSync(log, "utf8"), "before\nout this\nerr no HOME\n");
  });

  it("kills its children when the parent process exits", async () => {
    const parent = `
      import { startProcess } from "./scripts/processes.ts";
      const child = startProcess("orphan", process.execPath, ["-e", "setInterval(() => {}, 1000)"], { output: "pipe" });
      console.log(child.child.pid);
      setTimeout(() => process.exit(3), 300);`;
    const proc = startProcess("parent", process.execPath, ["--import", "tsx", "--input-type=module", "-e", parent], { output: "pipe" });
    let out = "";
    proc.child.stdout!.on("data", (chunk) => (out += String(chunk)));
    assert.deepEqual(await proc.exited, { code: 3, signal: null });
    const pid = Number(out.trim());
    assert.ok(pid > 0, `the parent printed ${JSON.stringify(out)}`);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 40 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(alive(), false, `child ${pid} outlived its parent`);
  });
});

describe("runProcess", () => {
  it("resolves on exit code 0 and throws naming the process and its exit code otherwise", async () => {
    await runProcess("fine", process.execPath, ["-e", "process.exit(0)"], { output: "pipe" });
    await assert.rejects(runProcess("migrate", process.execPath, ["-e", "process.exit(4)"], { output: "pipe" }), {
      message: "migrate exited with code 4",
    });
    await assert.rejects(runProcess("missing", "/nonexistent/command", [], { output: "pipe" }), { message: "missing could not start" });
  });
});
