import { z } from "zod";
import { ServiceError } from "@/lib/integrations/http";

/** A token response normalized to the one shape every service's tokens are stored in. */
export interface IssuedTokens {
  accessToken: string;
  /** null when the response carried none (the caller keeps the previous one on refresh). */
  refreshToken: string | null;
  /** Absolute expiry of the access token in seconds since the epoch; null when the service gives none. */
  expiresAt: number | null;
  /** Always "Bearer" (services send "Bearer" or "bearer"). */
  tokenType: "Bearer";
  /** Scopes the service says it granted; null when the response does not say. */
  grantedScope: string[] | null;
}

const tokenResponse = z.object({
  access_token: z.string().min(1).max(8192),
  token_type: z.string().regex(/^bearer$/i, "token_type is not Bearer"),
  expires_in: z
    .union([z.number().int().nonnegative(), z.string().regex(/^\d{1,10}$/)])
    .transform(Number)
    .optional(),
  refresh_token: z.string().min(1).max(8192).optional(),
  scope: z.union([z.string(), z.array(z.string())]).optional(),
});

/**
 * Parses a token endpoint's JSON answer (RFC 6749 §5.1) into IssuedTokens, accepting the services' variants:
 * `expires_in` as a number or a decimal string (ExorLive), `token_type` in any case (ExorLive: "bearer"),
 * `scope` space-delimited or as an array. `nowSeconds` is the current time in seconds.
 * Throws ServiceError("malformed") naming the field that is wrong; never includes token values.
 */
export function parseTokenResponse(serviceName: string, body: unknown, nowSeconds: number): IssuedTokens {
  const parsed = tokenResponse.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "body"))].join(", ");
    throw new ServiceError("malformed", `${serviceName} sent a token response we cannot use (${fields})`);
  }
  const { access_token, refresh_token, expires_in, scope } = parsed.data;
  return {
    accessToken: access_token,
    refreshToken: refresh_token ?? null,
    expiresAt: expires_in === undefined ? null : nowSeconds + expires_in,
    tokenType: "Bearer",
    grantedScope: scope === undefined ? null : splitScope(scope),
  };
}

/** Splits a space-delimited scope string (RFC 6749 §3.3) or array into unique, non-empty scope ids. */
export function splitScope(scope: string | readonly string[]): string[] {
  const list = typeof scope === "string" ? scope.split(/\s+/) : scope;
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))];
}

/** Current time in whole seconds since the epoch. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
