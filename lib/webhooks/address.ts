import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { env } from "@/lib/env";

/**
 * Where webhooks may go (docs/SECURITY.md row 22, SSRF): only to public unicast addresses, unless
 * WEBHOOK_ALLOW_PRIVATE_NETWORKS is "true" (a local receiver, tests, the demo). The check runs when an endpoint
 * is saved (a clear sentence) and again at every delivery, on the very address the socket connects to (a custom
 * `lookup`), so a name that resolves to a public address when saved and to 127.0.0.1 later (DNS rebinding) is
 * still refused.
 */

/** Thrown when a webhook URL's host is, or resolves to, an address outside the public internet. */
export class ForbiddenAddressError extends Error {
  override name = "ForbiddenAddressError";
  constructor(readonly address: string) {
    super(`the endpoint's address ${address} is private, loopback, link-local or otherwise not public; webhooks are only sent to public addresses`);
  }
}

/** True when private networks are allowed (WEBHOOK_ALLOW_PRIVATE_NETWORKS="true"). */
export function privateNetworksAllowed(): boolean {
  return env.WEBHOOK_ALLOW_PRIVATE_NETWORKS === "true";
}

/**
 * True when `address` (an IPv4 or IPv6 literal) may not receive webhooks: anything ipaddr.js does not classify
 * as `unicast` (private 10/8, 172.16/12, 192.168/16, loopback, link-local 169.254/16 and fe80::/10, unique-local
 * fc00::/7, multicast, unspecified, broadcast, CGNAT 100.64/10, reserved, and the IPv6 forms that embed an IPv4
 * address: 6to4, Teredo, NAT64), IPv4-mapped IPv6 (::ffff:a.b.c.d) judged by its IPv4 address. A malformed
 * address is refused too.
 */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() !== "unicast";
}

/** The host of `url` without IPv6 brackets (`[::1]` → `::1`). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * A `lookup` for node:http(s) `request` that resolves like dns.lookup and refuses (ForbiddenAddressError) when any
 * resolved address is forbidden, unless `allowPrivate`. The socket connects to the address this returns, so what
 * was checked is what is used. Handles both the single-address and the `all: true` calling forms.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, options.all ? [] : "", 4);
      const refused = allowPrivate ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
      if (refused) return callback(new ForbiddenAddressError(refused.address), options.all ? [] : "", 4);
      if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "", 4);
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** Resolves `host` to all its addresses within `timeoutMs` milliseconds; [] when it does not resolve (in time). */
function resolveAll(host: string, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), timeoutMs);
    dnsLookup(host, { all: true }, (error, addresses) => {
      clearTimeout(timer);
      resolve(error ? [] : addresses.map((a) => a.address));
    });
  });
}

/**
 * Checks a webhook URL an admin entered, before it is saved. Resolves to null when acceptable, else a sentence
 * saying what is wrong: not a URL, not `https:` (`http:` only when private networks are allowed), credentials in
 * the URL, a fragment, or a host that is, or resolves to, a forbidden address (isForbiddenAddress; the name is
 * resolved with a 3 s limit, and a name that does not resolve yet is accepted: deliveries check again).
 */
export async function checkEndpointUrl(value: string, allowPrivate = privateNetworksAllowed()): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter the endpoint's full URL, starting with https://.";
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && allowPrivate)) {
    return allowPrivate ? "The URL must start with https:// or http://." : "The URL must start with https:// (webhooks are only sent over HTTPS).";
  }
  if (url.username || url.password) return "Remove the user name and password from the URL: the signature authenticates each webhook.";
  if (url.hash) return "Remove the #fragment from the URL.";
  if (allowPrivate) return null;
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : await resolveAll(host, 3_000);
  const refused = addresses.find(isForbiddenAddress);
  return refused
    ? `${host} ${refused === host ? "is" : `resolves to ${refused}, which is`} a private, loopback or otherwise non-public address; webhooks are only sent to public addresses.`
    : null;
}
