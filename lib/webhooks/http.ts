import "server-only";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { ForbiddenAddressError, guardedLookup, hostOf, isForbiddenAddress } from "@/lib/webhooks/address";

/**
 * One webhook POST over node:http(s), never following a redirect, connecting only to addresses the SSRF guard
 * accepts (lib/webhooks/address.ts), within a time limit. Keep-alive agents let many deliveries to one receiver
 * share connections.
 */

/** What the endpoint answered: its status, its Retry-After in milliseconds (null when absent or unreadable), how long it took. */
export interface PostAnswer {
  status: number;
  retryAfterMs: number | null;
  latencyMs: number;
}

/** Why a POST got no answer: `timeout`, `network` (refused, reset, DNS) or `forbidden` (the SSRF guard refused the address). */
export class PostError extends Error {
  override name = "PostError";
  constructor(
    readonly kind: "timeout" | "network" | "forbidden",
    message: string,
    readonly latencyMs: number,
  ) {
    super(message);
  }
}

/** Keep-alive agents, one pair per guard mode: a socket opened while private networks were allowed is never reused under the guard. */
const agents = {
  guarded: { http: new http.Agent({ keepAlive: true, maxSockets: 128 }), https: new https.Agent({ keepAlive: true, maxSockets: 128 }) },
  open: { http: new http.Agent({ keepAlive: true, maxSockets: 128 }), https: new https.Agent({ keepAlive: true, maxSockets: 128 }) },
};

/**
 * Parses a Retry-After header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) into milliseconds from `nowMs`;
 * null when absent or malformed. Never negative.
 */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** The network error in a few words, from its code; never a URL or header value. */
function describeNetworkError(error: Error & { code?: string }): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name did not resolve";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    default:
      return error.code
        ? `network error (${error.code})`
        : error.message === "socket hang up"
          ? "connection closed without an answer"
          : "network error";
  }
}

/**
 * POSTs `body` with `headers` to `url` (http: or https:), resolving to the answer once its body has been read
 * (and discarded), or rejecting with PostError: `timeout` after `timeoutMs` milliseconds for the whole exchange
 * (connect, send, answer), `forbidden` when the host is or resolves to a forbidden address and `allowPrivate` is
 * false, `network` otherwise. A 3xx is an answer like any other: its Location is never followed.
 */
export function postWebhook(
  url: URL,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve, reject) => {
    const host = hostOf(url);
    if (!options.allowPrivate && isIP(host) && isForbiddenAddress(host)) {
      reject(new PostError("forbidden", new ForbiddenAddressError(host).message, 0));
      return;
    }
    const secure = url.protocol === "https:";
    let settled = false;
    const fail = (error: PostError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(error);
    };
    const request = (secure ? https : http).request(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      agent: agents[options.allowPrivate ? "open" : "guarded"][secure ? "https" : "http"],
      lookup: guardedLookup(options.allowPrivate),
    });
    const timer = setTimeout(() => fail(new PostError("timeout", `no answer within ${options.timeoutMs} ms`, elapsed())), options.timeoutMs);
    request.on("response", (response) => {
      response.on("error", () => fail(new PostError("network", "connection closed while reading the answer", elapsed())));
      response.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const retryAfter = response.headers["retry-after"];
        resolve({
          status: response.statusCode ?? 0,
          retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
          latencyMs: elapsed(),
        });
      });
      response.resume();
    });
    request.on("error", (error: Error & { code?: string }) =>
      fail(
        error instanceof ForbiddenAddressError
          ? new PostError("forbidden", error.message, elapsed())
          : new PostError("network", describeNetworkError(error), elapsed()),
      ),
    );
    request.end(body);
  });
}
