/** Small HTTP helpers for the sandbox: bodies, responses, parameter parsing, client authentication. */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Request bodies above this size are refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** An error that maps to a plain JSON `{error, error_description}` answer. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${error}: ${description}`);
  }
}

/** Raised by readBody when the body exceeds MAX_BODY_BYTES. */
export class BodyTooLargeError extends Error {
  constructor() {
    super("request body too large");
  }
}

/** Reads the whole request body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume(); // discard; Node drains the rest
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer): void => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        req.off("data", onData);
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on("error", (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

/** The media type of the request without parameters, lower-cased ("" when absent). */
export function mediaType(req: IncomingMessage): string {
  const raw = req.headers["content-type"] ?? "";
  return (raw.split(";")[0] ?? "").trim().toLowerCase();
}

/** Sends a JSON body (never cached, as RFC 6749 §5.1 asks for token responses). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    Pragma: "no-cache",
    ...headers,
  });
  res.end(text);
}

/** Sends an RFC 6749 §5.2 error body. */
export function sendOAuthError(res: ServerResponse, err: OAuthError): void {
  sendJson(res, err.status, { error: err.error, error_description: err.description }, err.headers);
}

/** Sends a self-contained HTML page (inline CSS only, no scripts, not frameable). */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  });
  res.end(html);
}

/** 302 redirect. */
export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, "Cache-Control": "no-store", "Content-Length": 0 });
  res.end();
}

/** True when the request uses `method` (GET also allows HEAD); otherwise answers 405 with Allow. */
export function allowMethod(req: IncomingMessage, res: ServerResponse, method: "GET" | "POST"): boolean {
  const actual = req.method ?? "GET";
  if (actual === method || (method === "GET" && actual === "HEAD")) return true;
  sendJson(res, 405, { error: "method_not_allowed" }, { Allow: method === "GET" ? "GET, HEAD" : method });
  return false;
}

/** Escapes text for HTML element and attribute content. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * One parameter's value; undefined when absent. A repeated parameter is an
 * `invalid_request` (RFC 6749 §3.1, §3.2).
 */
export function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw new OAuthError(400, "invalid_request", `Parameter "${name}" is repeated.`);
  return all[0];
}

/** Like `single`, but a missing or empty value is an `invalid_request`. */
export function required(params: URLSearchParams, name: string): string {
  const value = single(params, name);
  if (value === undefined || value === "") {
    throw new OAuthError(400, "invalid_request", `Missing parameter "${name}".`);
  }
  return value;
}

/** Reads an application/x-www-form-urlencoded body; anything else is an `invalid_request`. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const body = await readBody(req);
  if (mediaType(req) !== "application/x-www-form-urlencoded") {
    throw new OAuthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
  }
  return new URLSearchParams(body.toString("utf8"));
}

/** Compares two secrets in constant time (over their SHA-256 digests). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash("sha256").update(a, "utf8").digest();
  const db = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(da, db);
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, " "));
}

/**
 * Parses `Authorization: Basic …` per RFC 6749 §2.3.1: base64-decode, split at the first ':',
 * then form-urldecode each half. Returns null for anything malformed.
 */
export function parseBasicAuth(header: string | undefined, literal = false): { id: string; secret: string } | null {
  if (!header) return null;
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  const encoded = match?.[1];
  if (!encoded || encoded.length % 4 !== 0) return null;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  if (literal) return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/** True for an absolute http(s) URL without a fragment (RFC 6749 §3.1.2). */
export function isValidRedirectUri(value: string | undefined): value is string {
  if (!value || value.length > 2048 || value.includes("#")) return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Appends query parameters to a URI, keeping its existing query string untouched. */
export function appendQuery(uri: string, params: ReadonlyArray<readonly [string, string]>): string {
  const query = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  if (!query) return uri;
  if (!uri.includes("?")) return `${uri}?${query}`;
  return uri.endsWith("?") || uri.endsWith("&") ? `${uri}${query}` : `${uri}&${query}`;
}
