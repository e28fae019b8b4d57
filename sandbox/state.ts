/**
 * All sandbox state, in memory: modes, recorded requests, issued tokens, grants, codes, pending consents,
 * the random_faults generators and the request counters of `/__sandbox/stats`.
 */
import type { ServiceId } from "./config.js";
import { mulberry32, serviceSeed } from "./random.js";

export const MODES = [
  "normal",
  "token_503",
  "token_timeout",
  "token_invalid_json",
  "revoke_503",
  "standard_grant_only",
  "unknown_user",
  "master_token_401",
  "short_expiry",
  "omit_refresh_token",
  "refresh_invalid_grant",
  "random_faults",
  "client_rejected",
  "revoke_refused",
  "refresh_slow",
  "user_removed",
  "standard_grant_invalid_request",
  "literal_basic_auth",
] as const;

export type Mode = (typeof MODES)[number];

/** Modes of the services that issue refreshable tokens (TrainerDay, enduco, ExorLive). */
const REFRESH_MODES = ["short_expiry", "omit_refresh_token", "refresh_invalid_grant", "refresh_slow"] as const satisfies readonly Mode[];

/** Failure modes of every token endpoint (FitRankings: the master-token endpoint). */
const TOKEN_MODES = ["token_503", "token_timeout", "token_invalid_json", "random_faults", "client_rejected"] as const satisfies readonly Mode[];

/** The services whose refresh requests are counted (the ones issuing refresh tokens). */
export const REFRESH_SERVICES = ["trainerday", "enduco", "exorlive"] as const satisfies readonly ServiceId[];

export type RefreshServiceId = (typeof REFRESH_SERVICES)[number];

/** Which modes make sense for which service (others are refused by the control API). */
export const MODES_BY_SERVICE: Record<ServiceId, readonly Mode[]> = {
  trainerday: ["normal", ...TOKEN_MODES, "revoke_503", "revoke_refused", ...REFRESH_MODES],
  enduco: [
    "normal",
    ...TOKEN_MODES,
    "revoke_503",
    "revoke_refused",
    "standard_grant_only",
    "standard_grant_invalid_request",
    "literal_basic_auth",
    ...REFRESH_MODES,
  ],
  fitrankings: ["normal", ...TOKEN_MODES, "master_token_401"],
  exorlive: ["normal", ...TOKEN_MODES, "unknown_user", "user_removed", ...REFRESH_MODES],
};

/** `webhook`: a notification the sandbox sent (enduco), recorded by the control API. */
/** `verify`: FitRankings' `/iq/users/me/`, asked with a user token (who is this?). */
export type Endpoint = "authorize" | "consent" | "token" | "revoke" | "master-token" | "verify" | "webhook";

export type TokenKind = "access" | "refresh" | "user" | "master";

export interface RecordedRequest {
  service: ServiceId;
  endpoint: Endpoint;
  grantType?: string;
  /** Webhooks only: `deregister` or `plan_changed`. */
  event?: string;
  status: number;
  account?: string;
  /** Token endpoint (TrainerDay, enduco, ExorLive): whether a PKCE code_verifier was checked. */
  pkce?: boolean;
  /** Refresh requests only, when the refresh token had already been rotated away (RFC 9700 §4.14). */
  reused?: true;
  /** TrainerDay revocations: whether the client authenticated (client_id and client_secret in the body, RFC 7009 §2.1). */
  clientAuth?: boolean;
  at: string;
}

/** What a handler learned about the request, recorded once it has answered. */
export interface RequestInfo {
  service?: ServiceId;
  endpoint?: Endpoint;
  grantType?: string;
  account?: string;
  /** Status to record when the handler returns before answering (token_timeout). */
  pendingStatus?: number;
  /** See RecordedRequest.pkce. */
  pkce?: boolean;
  /** See RecordedRequest.reused. */
  reused?: true;
  /** See RecordedRequest.clientAuth. */
  clientAuth?: boolean;
}

export interface IssuedToken {
  service: ServiceId;
  kind: TokenKind;
  value: string;
  clientId: string;
  account?: string;
  grantId?: string;
  issuedAt: number;
  expiresAt?: number;
  revoked: boolean;
  /** Refresh tokens: replaced by a newer one in a rotation (then also `revoked`). */
  rotated: boolean;
}

/** One user's authorization of one client; tokens hang off it. */
export interface Grant {
  id: string;
  service: ServiceId;
  clientId: string;
  account: string;
  scope: string[];
  refreshToken?: string;
  revoked: boolean;
}

export interface AuthCode {
  value: string;
  service: ServiceId;
  clientId: string;
  redirectUri: string;
  scope: string[];
  account: string;
  expiresAt: number;
  used: boolean;
  /** PKCE (S256) code_challenge of the authorization request, when it had one. */
  codeChallenge?: string;
}

/** Authorize parameters kept server-side while the consent page is shown. */
export interface PendingConsent {
  id: string;
  service: ServiceId;
  clientId: string;
  redirectUri: string;
  scope: string[];
  state?: string;
  defaultUsername: string;
  expiresAt: number;
  /** PKCE (S256) code_challenge, handed on to the issued code. */
  codeChallenge?: string;
}

/** What `GET /__sandbox/stats` answers: counts since the last reset. */
export interface SandboxStats {
  /** Refresh requests processed (not answered by a failure mode), per service. */
  refreshRequests: Record<RefreshServiceId, number>;
  /** Refresh requests that presented a refresh token already rotated away, per service. */
  refreshReuse: Record<RefreshServiceId, number>;
  /** Every request to a token endpoint (FitRankings: master-token), whatever the answer. */
  tokenRequests: number;
}

/** True for the services that issue refresh tokens. */
export function isRefreshService(service: ServiceId): service is RefreshServiceId {
  return (REFRESH_SERVICES as readonly ServiceId[]).includes(service);
}

function zeroCounts(): Record<RefreshServiceId, number> {
  return { trainerday: 0, enduco: 0, exorlive: 0 };
}

const MAX_RECORDED_REQUESTS = 10_000;

/** The in-memory store; `reset()` returns it to a fresh start. */
export class SandboxState {
  readonly modes = new Map<ServiceId, Mode>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly grants = new Map<string, Grant>();
  readonly codes = new Map<string, AuthCode>();
  readonly consents = new Map<string, PendingConsent>();
  /** FitRankings: last callback_uri used per client id. */
  readonly lastCallbackUri = new Map<string, string>();
  /** FitRankings: master token per client id. */
  readonly masterTokens = new Map<string, string>();
  requests: RecordedRequest[] = [];
  /** Every recorded request counted by service, endpoint, grant_type, status and account (unbounded, unlike `requests`). */
  readonly counts = new Map<string, number>();
  private grantCounter = 0;
  /** `POST /__sandbox/seed`: the seed, and one generator per service drawn from it (unset: Math.random). */
  private seed: number | undefined;
  private readonly generators = new Map<ServiceId, () => number>();
  private stats: SandboxStats = { refreshRequests: zeroCounts(), refreshReuse: zeroCounts(), tokenRequests: 0 };

  /** Clears all state, modes, the seed and the counters. */
  reset(): void {
    this.modes.clear();
    this.tokens.clear();
    this.grants.clear();
    this.codes.clear();
    this.consents.clear();
    this.lastCallbackUri.clear();
    this.masterTokens.clear();
    this.counts.clear();
    this.requests = [];
    this.seed = undefined;
    this.generators.clear();
    this.stats = { refreshRequests: zeroCounts(), refreshReuse: zeroCounts(), tokenRequests: 0 };
  }

  /** Makes `random()` deterministic: each service gets its own mulberry32 stream derived from `seed`. */
  setSeed(seed: number): void {
    this.seed = seed;
    this.generators.clear();
  }

  /** A number in [0, 1) for `service`: from its seeded stream after `setSeed`, else Math.random(). */
  random(service: ServiceId): number {
    if (this.seed === undefined) return Math.random();
    let next = this.generators.get(service);
    if (next === undefined) {
      next = mulberry32(serviceSeed(this.seed, service));
      this.generators.set(service, next);
    }
    return next();
  }

  /** Counts one token-endpoint request. */
  countTokenRequest(): void {
    this.stats.tokenRequests += 1;
  }

  /** Counts one refresh request that got past the failure modes. */
  countRefresh(service: ServiceId): void {
    if (isRefreshService(service)) this.stats.refreshRequests[service] += 1;
  }

  /** Counts one refresh request that presented a refresh token already rotated away. */
  countReuse(service: ServiceId): void {
    if (isRefreshService(service)) this.stats.refreshReuse[service] += 1;
  }

  /** A copy of the counters. */
  statsSnapshot(): SandboxStats {
    return {
      refreshRequests: { ...this.stats.refreshRequests },
      refreshReuse: { ...this.stats.refreshReuse },
      tokenRequests: this.stats.tokenRequests,
    };
  }

  /** Current mode of a service (`normal` unless set). */
  mode(service: ServiceId): Mode {
    return this.modes.get(service) ?? "normal";
  }

  /** Appends one request record (bounded). */
  record(entry: RecordedRequest): void {
    const key = JSON.stringify([entry.service, entry.endpoint, entry.grantType ?? null, entry.status, entry.account ?? null]);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.requests.push(entry);
    if (this.requests.length > MAX_RECORDED_REQUESTS) this.requests.shift();
  }

  /** Creates a grant for an approved authorization. */
  createGrant(service: ServiceId, clientId: string, account: string, scope: string[]): Grant {
    this.grantCounter += 1;
    const grant: Grant = { id: `g${this.grantCounter}`, service, clientId, account, scope, revoked: false };
    this.grants.set(grant.id, grant);
    return grant;
  }

  /** Registers an issued token. `ttlSeconds` undefined means it does not expire. */
  issue(
    service: ServiceId,
    kind: TokenKind,
    value: string,
    clientId: string,
    opts: { account?: string; grantId?: string; ttlSeconds?: number } = {},
  ): IssuedToken {
    const now = Date.now();
    const token: IssuedToken = {
      service,
      kind,
      value,
      clientId,
      issuedAt: now,
      revoked: false,
      rotated: false,
      ...(opts.account !== undefined ? { account: opts.account } : {}),
      ...(opts.grantId !== undefined ? { grantId: opts.grantId } : {}),
      ...(opts.ttlSeconds !== undefined ? { expiresAt: now + opts.ttlSeconds * 1000 } : {}),
    };
    this.tokens.set(value, token);
    return token;
  }

  /** Looks a token up by value, service and kind (any status). */
  find(service: ServiceId, kind: TokenKind, value: string): IssuedToken | undefined {
    const token = this.tokens.get(value);
    return token && token.service === service && token.kind === kind ? token : undefined;
  }

  /** True when the token is neither revoked, expired, nor part of a revoked grant. */
  isActive(token: IssuedToken, now = Date.now()): boolean {
    if (token.revoked) return false;
    if (token.expiresAt !== undefined && token.expiresAt <= now) return false;
    if (token.grantId !== undefined && this.grants.get(token.grantId)?.revoked) return false;
    return true;
  }

  /** Rotation: the refresh token was replaced by a newer one and stops working. */
  rotateAway(token: IssuedToken): void {
    token.revoked = true;
    token.rotated = true;
  }

  /** Revokes a grant and every token issued under it. */
  revokeGrant(grantId: string): void {
    const grant = this.grants.get(grantId);
    if (grant) grant.revoked = true;
    for (const token of this.tokens.values()) {
      if (token.grantId === grantId) token.revoked = true;
    }
  }

  /**
   * The user cancelled access at the service: revokes every grant and token of `account` there and
   * forgets its unused authorization codes. Returns how many grants were revoked.
   */
  revokeAccount(service: ServiceId, account: string): number {
    let count = 0;
    for (const grant of this.grants.values()) {
      if (grant.service !== service || grant.account !== account || grant.revoked) continue;
      this.revokeGrant(grant.id);
      count += 1;
    }
    for (const token of this.tokens.values()) {
      if (token.service === service && token.account === account) token.revoked = true;
    }
    for (const [value, code] of this.codes) {
      if (code.service === service && code.account === account) this.codes.delete(value);
    }
    return count;
  }

  /**
   * The user removed the app at FitRankings (the doc documents no revocation, so only the sandbox can): every
   * active user token of `account` stops working. Returns how many were revoked.
   */
  revokeUserTokens(account: string): number {
    let count = 0;
    for (const token of this.tokens.values()) {
      if (token.service !== "fitrankings" || token.kind !== "user" || token.account !== account || !this.isActive(token)) continue;
      token.revoked = true;
      count += 1;
    }
    return count;
  }

  /** Forgets expired consent requests and authorization codes (reuse then reads as unknown: still invalid_grant). */
  sweep(now = Date.now()): void {
    for (const [id, consent] of this.consents) if (consent.expiresAt <= now) this.consents.delete(id);
    for (const [value, code] of this.codes) if (code.expiresAt <= now) this.codes.delete(value);
  }

  /** Marks matching access tokens expired; returns how many. */
  expireAccessTokens(service: ServiceId, account?: string): number {
    const now = Date.now();
    let count = 0;
    for (const token of this.tokens.values()) {
      if (token.service !== service || token.kind !== "access") continue;
      if (account !== undefined && token.account !== account) continue;
      token.expiresAt = now - 1;
      count += 1;
    }
    return count;
  }
}
