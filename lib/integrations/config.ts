import type { ClientCredentials, ServiceDefinition } from "@/lib/integrations/types";

/** A configured base URL without trailing slashes, ready for documented paths to be appended. */
export function trimBaseUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Client credentials when both parts are set, else null (the service shows as "Not configured"). */
export function clientCredentials(clientId: string | undefined, clientSecret: string | undefined): ClientCredentials | null {
  return clientId && clientSecret ? { clientId, clientSecret } : null;
}

/**
 * Names where `baseUrl` points: the label of its host in `known` (e.g. "production", "beta"); "sandbox" for a
 * service on this machine (loopback: the sandbox of `npm run demo` and the tests); else "custom".
 */
export function environmentOf(baseUrl: string, known: Record<string, string>): string {
  const { hostname } = new URL(baseUrl);
  if (known[hostname]) return known[hostname];
  return /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i.test(hostname) ? "sandbox" : "custom";
}

/** The fields of an Integration that `definition` fixes, for the configured `baseUrl`. */
export function fromDefinition<D extends ServiceDefinition>(
  definition: D,
  baseUrl: string,
): Pick<D, "id" | "name" | "doc" | "flow" | "scopes" | "requestedScopes" | "requiredScopes" | "revocation"> & {
  baseUrl: string;
  environment: string;
  disconnectNote?: string;
} {
  const { id, name, doc, flow, scopes, requestedScopes, requiredScopes, revocation, disconnectNote } = definition;
  return {
    id,
    name,
    doc,
    flow,
    baseUrl,
    environment: environmentOf(baseUrl, definition.environments),
    scopes,
    requestedScopes,
    requiredScopes,
    revocation,
    disconnectNote,
  };
}
