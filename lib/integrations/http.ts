import { z } from "zod";
import type { ServiceId } from "@/db/schema";
import { env } from "@/lib/env";
import { log } from "@/lib/log";

/** Why a call to a service failed, in the classes the token lifecycle acts on. */
export type ServiceErrorKind =
  | "invalid_grant" // code or refresh token rejected: the athlete must link again
  | "unsupported_grant_type"
  | "invalid_client" // our client credentials were refused: an operator must fix configuration
  | "invalid_request" // the service refused the request for another documented reason
  | "unavailable" // 5xx: try again later
  | "timeout"
  | "network"
  | "malformed"; // the service answered something we cannot read

/**
 * A failed call to a training service. `message` is safe to log and show: it never contains a token, code or
 * secret. `oauthError` is the RFC 6749 §5.2 `error` code when the service sent one, `description` its
 * `error_description` (at most 200 characters; the service's own words, used to classify, never shown).
 */
export class ServiceError extends Error {
  override name = "ServiceError";
  constructor(
    readonly kind: ServiceErrorKind,
    message: string,
    readonly status?: number,
    readonly oauthError?: string,
    readonly description?: string,
  ) {
    super(message);
  }

  /** True for failures worth retrying later (5xx, timeout, network). */
  get transient(): boolean {
    return this.kind === "unavailable" || this.kind === "timeout" || this.kind === "network";
  }
}

const oauthErrorBody = z.object({ error: z.string().max(100), error_description: z.string().optional() });

/** Which of a service's endpoints a call goes to (the `endpoint` of log lines and metrics). */
export type EndpointKind = "authorize" | "token" | "refresh" | "revoke" | "verify" | "master_token";

/**
 * What a call is: the service's id, its display name (used in error messages) and the endpoint kind: "token"
 * exchanges a code, "refresh" uses a refresh token, "verify" proves a token or identity with an API request.
 */
export type ServiceCall = { service: ServiceId; name: string; endpoint: EndpointKind };

/**
 * One finished outbound call: `status` is the HTTP status, or null when no answer came (timeout, network);
 * `latencyMs` runs from sending to the whole body read or the failure, in milliseconds; `outcome` is "ok" or the
 * ServiceErrorKind the call threw.
 */
export type ServiceCallRecord = {
  service: ServiceId;
  endpoint: EndpointKind;
  status: number | null;
  latencyMs: number;
  outcome: "ok" | ServiceErrorKind;
};

type ServiceCallListener = (record: ServiceCallRecord) => void;

// On globalThis: Next.js may load this module once per bundle (instrumentation, routes); all copies share one list.
const LISTENERS = Symbol.for("trainlink.serviceCallListeners");
const listeners: Set<ServiceCallListener> = ((globalThis as Record<symbol, Set<ServiceCallListener> | undefined>)[LISTENERS] ??= new Set());

/**
 * Registers `listener`, called synchronously with the record of every call made through request/postForm after
 * its "service call" log line (e.g. to count it in metrics). A listener that throws is ignored. Returns a function
 * that unregisters it.
 */
export function onServiceCall(listener: ServiceCallListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Logs one line for the call (never its URL, body, headers or answer) and tells the listeners. */
function report(call: ServiceCall, status: number | null, startedMs: number, outcome: ServiceCallRecord["outcome"]): void {
  const record: ServiceCallRecord = {
    service: call.service,
    endpoint: call.endpoint,
    status,
    latencyMs: Math.round((performance.now() - startedMs) * 10) / 10,
    outcome,
  };
  log.info(record, "service call");
  for (const listener of listeners) {
    try {
      listener(record);
    } catch {
      // A metrics hook must never change the outcome of a call to a service.
    }
  }
}

/**
 * POSTs `form` as application/x-www-form-urlencoded to `url` with a timeout of OUTBOUND_TIMEOUT_MS
 * (default 10 000 ms) and returns the parsed JSON body of a 2xx answer (or null for an empty body).
 * Throws ServiceError: `timeout`, `network`, `unavailable` (5xx), the RFC 6749 §5.2 error class for a 4xx
 * with an OAuth error body, `invalid_client` for a bare 401, or `malformed` for a 2xx that is not JSON.
 * `call` names the service (in messages) and the endpoint kind; each call writes one "service call" log line
 * `{ service, endpoint, status, latencyMs, outcome }` and is reported to onServiceCall's listeners.
 */
export async function postForm(call: ServiceCall, url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<unknown> {
  return request(call, url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** Like postForm, for a request the caller builds (GET with query, JSON body). Same errors, log line and report. */
export async function request(call: ServiceCall, url: string, init: RequestInit): Promise<unknown> {
  const startedMs = performance.now();
  try {
    const { status, body } = await exchange(call.name, url, init);
    report(call, status, startedMs, "ok");
    return body;
  } catch (error) {
    const failure = error instanceof ServiceError ? error : new ServiceError("network", `${call.name} could not be reached`);
    report(call, failure.status ?? null, startedMs, failure.kind);
    throw failure;
  }
}

/** Sends the request and reads its answer: `{ status, body }` of a 2xx; request's ServiceErrors otherwise. */
async function exchange(serviceName: string, url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(env.OUTBOUND_TIMEOUT_MS) });
  } catch (error) {
    if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
      throw new ServiceError("timeout", `${serviceName} did not answer within ${env.OUTBOUND_TIMEOUT_MS / 1000} s`);
    }
    throw new ServiceError("network", `${serviceName} could not be reached`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new ServiceError("timeout", `${serviceName} stopped answering mid-response`, response.status);
  }
  const json = parseJson(text);
  if (response.ok) {
    if (text.trim() === "") return { status: response.status, body: null };
    if (json === undefined) throw new ServiceError("malformed", `${serviceName} answered with a body that is not JSON`, response.status);
    return { status: response.status, body: json };
  }
  if (response.status >= 500) {
    throw new ServiceError("unavailable", `${serviceName} is unavailable (HTTP ${response.status})`, response.status);
  }
  const oauth = oauthErrorBody.safeParse(json);
  const code = oauth.success ? oauth.data.error : undefined;
  const kind: ServiceErrorKind =
    code === "invalid_grant" || code === "unsupported_grant_type" || code === "invalid_client"
      ? code
      : response.status === 401
        ? "invalid_client"
        : "invalid_request";
  const description = oauth.success ? oauth.data.error_description?.slice(0, 200) : undefined;
  throw new ServiceError(
    kind,
    `${serviceName} refused the request (HTTP ${response.status}${code ? `, ${code}` : ""})`,
    response.status,
    code,
    description,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * HTTP Basic client authentication. `rfc6749` (the default) as RFC 6749 §2.3.1 specifies: client id and secret
 * are each application/x-www-form-urlencoded first, then joined with ":" and base64-encoded. `literal`: the raw
 * `id:secret` base64-encoded (RFC 7617 as such), which servers that skip §2.3.1's decoding expect; the two
 * differ only when the id or secret holds characters that form-encoding changes (e.g. `/ + = :` or spaces).
 */
export function basicClientAuth(clientId: string, clientSecret: string, form: "rfc6749" | "literal" = "rfc6749"): string {
  const encode = (s: string) => (form === "literal" ? s : new URLSearchParams({ v: s }).toString().slice(2));
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString("base64")}`;
}

/** True when `credentials` differ between the two Basic forms (so trying the other one can change the answer). */
export function basicFormsDiffer(clientId: string, clientSecret: string): boolean {
  return basicClientAuth(clientId, clientSecret) !== basicClientAuth(clientId, clientSecret, "literal");
}
