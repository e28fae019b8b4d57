/**
 * The one way scripts/ and bench/ start processes and wait for servers: execa for the processes (each child is
 * killed when this process exits, and stops with SIGTERM, then SIGKILL after a bound), wait-on for "is it up".
 * "Up" means one thing everywhere: a GET of the server's readiness URL answers 2xx (the app's /api/ready, the
 * sandbox's /__sandbox/health, maildev's /api/healthz); a redirect, a 4xx or a 503 is not up.
 */
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { execa, type Options, type ResultPromise } from "execa";
import waitOn from "wait-on";

/** Where a child's output goes: this terminal ("inherit"), nowhere ("ignore"), streams the caller reads ("pipe"), or a file path. */
export type ProcessOutput = "inherit" | "ignore" | "pipe" | (string & {});

export interface ProcessOptions {
  /** The child's whole environment (not merged with process.env); default process.env. */
  env?: Record<string, string | undefined>;
  /**
   * "inherit" (default): stdin, stdout and stderr are this process's. "ignore": all three closed. "pipe": stdin is closed and the caller must
   * read `child.stdout` and `child.stderr` (nothing is buffered). Any other string is a file path: stdout and stderr
   * are appended to it (its folder is made if missing), written by the child itself.
   */
  output?: ProcessOutput;
  cwd?: string;
  /** How long stop() waits after its signal before SIGKILL, in milliseconds; default 5000. */
  stopTimeoutMs?: number;
}

/** How a process ended: its exit code, or the signal that ended it (both null when it could not start). */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started process. */
export interface StartedProcess {
  name: string;
  /** execa's subprocess (a ChildProcess: pid, stdout, stderr, kill). */
  child: ResultPromise<{ reject: false; buffer: false }>;
  /** Settles when the process has ended; never rejects. */
  exited: Promise<ProcessExit>;
  /**
   * Sends `signal` (default SIGTERM), waits for the process to end for at most the stop bound (stopTimeoutMs), then
   * sends SIGKILL; resolves once it has ended. Resolves at once if it already has.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

type Stdio = Pick<Options, "stdin" | "stdout" | "stderr">;

function stdioFor(output: ProcessOutput): { stdio: Stdio; fd?: number } {
  if (output === "inherit") return { stdio: { stdin: "inherit", stdout: "inherit", stderr: "inherit" } };
  if (output === "ignore") return { stdio: { stdin: "ignore", stdout: "ignore", stderr: "ignore" } };
  if (output === "pipe") return { stdio: { stdin: "ignore", stdout: "pipe", stderr: "pipe" } };
  mkdirSync(dirname(output), { recursive: true });
  const fd = openSync(output, "a");
  // execa hands a descriptor number to child_process.spawn as it is (its types list only 1 and 2).
  return { stdio: { stdin: "ignore", stdout: fd as 1, stderr: fd as 2 }, fd };
}

/**
 * Starts `command` with `args` (no shell). The child is killed (SIGTERM) when this process exits, however it exits
 * short of SIGKILL. `name` names it in messages. Throws only for an unwritable output file; a command that cannot
 * start shows as an `exited` with code null.
 */
export function startProcess(name: string, command: string, args: string[], options: ProcessOptions = {}): StartedProcess {
  const { stdio, fd } = stdioFor(options.output ?? "inherit");
  const child = execa(command, args, {
    env: options.env ?? process.env,
    extendEnv: false,
    cwd: options.cwd,
    ...stdio,
    reject: false,
    buffer: false,
    cleanup: true,
    forceKillAfterDelay: false,
  }) as unknown as StartedProcess["child"];
  // The child holds its own copy of the log file's descriptor.
  if (fd !== undefined) closeSync(fd);
  let ended = false;
  const exited = child.then(
    (result) => {
      ended = true;
      return { code: result.exitCode ?? null, signal: (result.signal as NodeJS.Signals | undefined) ?? null };
    },
    () => {
      ended = true;
      return { code: null, signal: null };
    },
  );
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  return {
    name,
    child,
    exited,
    async stop(signal = "SIGTERM") {
      if (ended) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs `command` to its end (output as in startProcess, default "inherit"). Resolves when it exits with 0; throws
 * an Error naming `name` and its exit code or signal otherwise.
 */
export async function runProcess(name: string, command: string, args: string[], options: Omit<ProcessOptions, "stopTimeoutMs"> = {}): Promise<void> {
  const { code, signal } = await startProcess(name, command, args, options).exited;
  if (code !== 0) throw new Error(`${name} ${signal ? `ended by ${signal}` : code === null ? "could not start" : `exited with code ${code}`}`);
}

/** What `url` answers now, in words, for an error message. */
async function lastAnswer(url: string): Promise<string> {
  try {
    const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return `it answers HTTP ${response.status}`;
  } catch {
    return "nothing answers there";
  }
}

/**
 * Resolves once a GET of `url` (http:// or https://) answers 2xx, polling every `intervalMs` (default 250 ms),
 * one request at a time, redirects not followed, no proxy. Rejects after `timeoutMs` milliseconds with an Error
 * naming the URL, the timeout and what the URL answers then (e.g. "HTTP 503", "nothing answers there").
 */
export async function waitUntilReady(url: string, options: { timeoutMs: number; intervalMs?: number }): Promise<void> {
  const { timeoutMs, intervalMs = 250 } = options;
  try {
    await waitOn({
      resources: [url.replace(/^(https?):/, "$1-get:")],
      timeout: timeoutMs,
      interval: intervalMs,
      httpTimeout: Math.min(timeoutMs, 5_000),
      simultaneous: 1,
      followRedirect: false,
      validateStatus: (status: number) => status >= 200 && status < 300,
      proxy: false,
    });
  } catch (error) {
    const reason = error instanceof Error && error.message.startsWith("Timed out") ? await lastAnswer(url) : String(error);
    throw new Error(`${url} was not ready (2xx) within ${timeoutMs} ms: ${reason}`);
  }
}
