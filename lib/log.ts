import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Level, type LevelWithSilent, type Logger } from "pino";
import pretty from "pino-pretty";
import { env } from "@/lib/env";
import { requestIdFrom } from "@/lib/request-id";

export { REQUEST_ID_HEADER, requestIdFrom } from "@/lib/request-id";

/** What replaces a redacted value in a log line. */
export const REDACTED = "[redacted]";

/** Field names whose value is written as "[redacted]" wherever they occur (tokens, codes, secrets, cookies, credentials). */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  "access_token",
  "accessToken",
  "refresh_token",
  "refreshToken",
  "id_token",
  "token",
  "masterToken",
  "userToken",
  "code",
  "code_verifier",
  "codeVerifier",
  "client_secret",
  "clientSecret",
  "secret",
  "password",
  "authorization",
  "cookie",
  "set-cookie",
  "apiKey",
  "api_key",
]);

/**
 * pino `redact` paths: SECRET_KEYS at the top level (which also covers child loggers' bindings, where pino applies
 * no log formatter) and every header of a logged request or headers object.
 */
export const REDACT_PATHS = [
  ...[...SECRET_KEYS].map((key) => (/^\w+$/.test(key) ? key : `["${key}"]`)),
  "headers.*",
  "req.headers.*",
  "request.headers.*",
];

// Deep enough for a token response inside a record inside a line; deeper values are written as they are.
const MAX_CENSOR_DEPTH = 4;

/**
 * `value` with every SECRET_KEYS field of its plain objects and arrays (to MAX_CENSOR_DEPTH levels) replaced by
 * REDACTED: the same object when there is none, else copies along the way, so the caller's objects never change.
 * Hand-written rather than pino `redact` wildcards, which cost about 130 µs a line for these keys; this costs ~2 µs.
 */
function censored(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object" || depth > MAX_CENSOR_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const clean = censored(item, depth + 1);
      if (clean !== item) (copy ??= [...value])[i] = clean;
    });
    return copy ?? value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const clean = SECRET_KEYS.has(key) ? REDACTED : censored(item, depth + 1);
    if (clean !== item) (copy ??= { ...value })[key] = clean;
  }
  return copy ?? value;
}

// Shared through globalThis: Next.js may load this module once per bundle (instrumentation, routes), and a
// request context set in one copy must be seen by a logger from another.
interface LogState {
  context: AsyncLocalStorage<{ requestId: string }>;
  destination: DestinationStream | null;
  root: Logger | null;
}
const STATE = Symbol.for("trainlink.log");
const state: LogState = ((globalThis as Record<symbol, LogState | undefined>)[STATE] ??= {
  context: new AsyncLocalStorage(),
  destination: null,
  root: null,
});

/**
 * A pino logger writing JSON lines (`time` ISO 8601, `level` as a name, `msg`) to `destination` at `level`, with
 * SECRET_KEYS fields (in the line and in child bindings, up to four objects deep) and REDACT_PATHS censored to
 * "[redacted]", and `requestId` on every line written inside runWithRequestContext. The app uses `log`; tests
 * build their own over a captured stream.
 */
export function createLogger(destination: DestinationStream, level: LevelWithSilent = "info"): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => censored(fields, 0) as Record<string, unknown>,
      },
      mixin: () => {
        const requestId = state.context.getStore()?.requestId;
        return requestId === undefined ? {} : { requestId };
      },
    },
    destination,
  );
}

/** LOG_LEVEL and NODE_ENV; "info" and JSON while the configuration is invalid, so that error can still be logged. */
function configuration(): { level: LevelWithSilent; readable: boolean } {
  try {
    return { level: env.LOG_LEVEL, readable: env.NODE_ENV === "development" };
  } catch {
    return { level: "info", readable: false };
  }
}

/**
 * The stream lines go to: a test's (setLogDestination), else stdout, synchronously (nothing to flush at exit):
 * pino-pretty's readable lines when `readable`, JSON lines otherwise.
 */
function processDestination(readable: boolean): DestinationStream {
  let stdout: DestinationStream | null = null;
  return {
    write(line: string) {
      if (state.destination) return state.destination.write(line);
      // A synchronous stream, not a worker-thread transport: transports break inside Next.js bundles.
      stdout ??= readable
        ? pretty({ sync: true, colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" })
        : pino.destination({ dest: 1, sync: true });
      return stdout.write(line);
    },
  };
}

function root(): Logger {
  if (state.root) return state.root;
  const { level, readable } = configuration();
  return (state.root = createLogger(processDestination(readable), level));
}

/**
 * A Logger that builds itself from the root logger with `build` on first use (so importing a module reads no
 * configuration), and again when the root's level changes (a child keeps the level it was made with).
 */
function lazyLogger(build: (root: Logger) => Logger): Logger {
  let built: { level: string; logger: Logger } | undefined;
  const current = () => {
    const parent = root();
    if (built?.level !== parent.level) built = { level: parent.level, logger: build(parent) };
    return built.logger;
  };
  return new Proxy({} as Logger, {
    get(_target, name) {
      const logger = current();
      const value: unknown = Reflect.get(logger, name, logger);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(logger) : value;
    },
    set(_target, name, value) {
      return Reflect.set(current(), name, value);
    },
  });
}

/**
 * The one logger of the app (server only): `log.warn({ method, path, status }, "api key refused")`. JSON lines on
 * stdout (readable pino-pretty output when NODE_ENV=development) at LOG_LEVEL; fields as createLogger's; lines
 * written while serving a request carry its `requestId`. Built on first use, so importing it reads no
 * configuration (lib/env.ts validates on first read). Never pass a token, code, secret or an error's message:
 * SECRET_KEYS and REDACT_PATHS are a second guard, not the first.
 */
export const log: Logger = lazyLogger((logger) => logger);

/**
 * A logger for background work whose every line carries `component` (`componentLog("refresher").info({ refreshed },
 * "refresher pass")`); like `log`, built on first use, so it can be made at module scope (`log.child` there would
 * read the configuration at import).
 */
export function componentLog(component: string): Logger {
  return lazyLogger((logger) => logger.child({ component }));
}

/** Runs `fn` with `requestId` on every line `log` writes until it (and all it started) settles; returns its result. */
export function runWithRequestContext<T>(requestId: string, fn: () => T): T {
  return state.context.run({ requestId }, fn);
}

/** The id of the request being served (runWithRequestContext), or undefined outside one. */
export function currentRequestId(): string | undefined {
  return state.context.getStore()?.requestId;
}

/**
 * Wraps a route handler so it runs inside a request context whose id is requestIdFrom(request.headers) (proxy.ts
 * sets it for /api). For handlers outside withPermission and withApiKey: next-auth, callbacks, webhooks.
 */
export function withRequestContext<Q extends Request, A extends unknown[], R>(handler: (request: Q, ...rest: A) => R): (request: Q, ...rest: A) => R {
  return (request, ...rest) => runWithRequestContext(requestIdFrom(request.headers), () => handler(request, ...rest));
}

/**
 * What a log line says about a thrown value: its name and, when it has one, its string code (SQLite's
 * `SQLITE_BUSY`, a PostgreSQL SQLSTATE such as `40P01`) as `errorCode` (`code` is redacted); never its message,
 * which may hold data.
 */
export function errorFields(error: unknown): { error: string; errorCode?: string } {
  if (!(error instanceof Error)) return { error: "error" };
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? { error: error.name, errorCode: code } : { error: error.name };
}

/**
 * Sends every line `log` writes to `destination` (null: back to stdout) at `level` (default: unchanged). For
 * tests that read what was logged; returns a function that restores the previous destination and level.
 */
export function setLogDestination(destination: DestinationStream | null, level?: Level): () => void {
  const previous = { destination: state.destination, level: root().level };
  state.destination = destination;
  if (level) root().level = level;
  return () => {
    state.destination = previous.destination;
    root().level = previous.level;
  };
}

/**
 * Captures every line `log` writes, parsed, while `fn` runs (at level `level`, "trace" by default), then restores
 * the destination. For tests: `const lines = await captureLogs(() => handler(req))`.
 */
export async function captureLogs(fn: () => unknown, level: Level = "trace"): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const restore = setLogDestination({ write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }, level);
  try {
    await fn();
  } finally {
    restore();
  }
  return lines;
}
