import type { ApiKeyScope } from "@/db/schema";

/** Who is calling the API: the key that authenticated the request (never the key itself, nor its hash). */
export interface ApiCaller {
  keyId: string;
  name: string;
  /** `tlk_` + 8 hex characters: what people see of the key. */
  prefix: string;
  scopes: ApiKeyScope[];
}

/** Whether a key works: `revoked` wins over `expired` (a revoked key stays revoked whatever its expiry). */
export type ApiKeyStatus = "active" | "expired" | "revoked";

/** A key as the admin page shows it: everything but the key and its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  /** The admin who created it, or null when that user was deleted. */
  createdBy: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** The caller's address at the last recorded use (null when unknown: no trusted proxy, TRUST_PROXY_HOPS=0). */
  lastUsedIp: string | null;
  status: ApiKeyStatus;
}

/** The status of a key with these instants at `nowMs` (milliseconds since the epoch). */
export function apiKeyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, nowMs = Date.now()): ApiKeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt.getTime() <= nowMs) return "expired";
  return "active";
}
