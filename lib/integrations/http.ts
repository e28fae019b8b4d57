import { z } from "zod";
import { env } from "@/lib/env";

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

/**
 * POSTs `form` as application/x-www-form-urlencoded to `url` with a timeout of OUTBOUND_TIMEOUT_MS
 * (default 10 000 ms) and returns the parsed JSON body of a 2xx answer (or null for an empty body).
 * Throws ServiceError: `timeout`, `network`, `unavailable` (5xx), the RFC 6749 §5.2 error class for a 4xx
 * with an OAuth error body, `invalid_client` for a bare 401, or `malformed` for a 2xx that is not JSON.
 * `serviceName` is used in messages only.
 */
export async function postForm(
  serviceName: string,
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<unknown> {
  return request(serviceName, url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** Like postForm, for a request the caller builds (GET with query, JSON body). Same errors. */
export async function request(serviceName: string, url: string, init: RequestInit): Promise<unknown> {
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
    if (text.trim() === "") return null;
    if (json === undefined) throw new ServiceError("malformed", `${serviceName} answered with a body that is not JSON`, response.status);
    return json;
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
