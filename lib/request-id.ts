/** The header that carries a request's id, from the client or proxy.ts to the app, and back on the response. */
export const REQUEST_ID_HEADER = "x-request-id";

// Ids chosen by clients are kept only in this shape: no spaces, quotes or control characters reach a log line.
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * The id of the request whose headers these are: its `x-request-id` when that is 8-64 characters of
 * `A-Z a-z 0-9 . _ -` (set by proxy.ts, or by a load balancer in front of it), else a fresh random UUID. Free of
 * Node-only modules so proxy.ts can use it.
 */
export function requestIdFrom(headers: { get(name: string): string | null }): string {
  const incoming = headers.get(REQUEST_ID_HEADER);
  return incoming !== null && REQUEST_ID_PATTERN.test(incoming) ? incoming : crypto.randomUUID();
}
