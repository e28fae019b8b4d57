import type { ServiceId } from "@/db/schema";
import type { IssuedTokens } from "@/lib/integrations/tokens";

/** A scope a service offers, with a plain-language description taken from its documentation. */
export interface ScopeInfo {
  id: string;
  description: string;
}

/** Client credentials issued by a service to this app. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * How linking works: `authorization_code` is a browser redirect flow (RFC 6749 §4.1) run by next-auth;
 * `token_in_callback` returns the token in the callback query (FitRankings); `server_to_server` needs no
 * browser at all (ExorLive, linked by an admin).
 */
export type FlowKind = "authorization_code" | "token_in_callback" | "server_to_server";

/** Which token a revocation sends, or that the service documents no revocation endpoint. */
export type RevocationKind = "access_token" | "refresh_token" | "none";

/** The tokens of a stored connection, opened, as the lifecycle hands them to a service module. */
export interface ConnectionTokens {
  accessToken: string | null;
  refreshToken: string | null;
}

/** The documented paths a service may have, appended to its configured base URL. */
export type ServicePath = "authorize" | "token" | "revoke" | "masterToken" | "activities" | "userInfo";

/**
 * A service's fixed facts as data, taken from its documentation (the way Nango's providers.yaml holds
 * `token_request_auth_method`, `refresh_params`, …): `lib/integrations/<service>/definition.ts` holds one,
 * `client.ts` beside it adds what only code can say (the quirks) and the configuration from env.
 */
export interface ServiceDefinition {
  id: ServiceId;
  name: string;
  /** File in docs/provider-docs the definition is taken from. */
  doc: string;
  flow: FlowKind;
  /** The service's own hosts and what they are ("production", "beta"); see environmentOf. */
  environments: Readonly<Record<string, string>>;
  paths: Readonly<Partial<Record<ServicePath, string>>>;
  /**
   * How the client authenticates at the token endpoint: RFC 6749 §2.3.1's `client_secret_post` (id and
   * secret in the form body) or `client_secret_basic` (HTTP Basic); FitRankings: `json_body`.
   */
  clientAuth: "client_secret_post" | "client_secret_basic" | "json_body";
  /** Every scope the doc lists, with its meaning in plain words. */
  scopes: readonly ScopeInfo[];
  /** What we ask for: only what the product uses (docs/SECURITY.md row 9). */
  requestedScopes: readonly string[];
  /**
   * The requested scopes the product cannot do without (a subset of requestedScopes): a connection whose
   * granted scope lacks one is `missing_permissions` (lib/connections/status.ts). Empty for a service without
   * scopes, or whose granted scope is not known.
   */
  requiredScopes: readonly string[];
  revocation: RevocationKind;
  /** Where the athlete ends the access at the service when it documents no revocation: shown in the Disconnect dialog and after disconnecting. */
  disconnectNote?: string;
}

/** Everything the rest of the app needs to know about one service. Built from env on first use. */
export interface Integration {
  id: ServiceId;
  name: string;
  /** File in docs/provider-docs the behaviour below implements. */
  doc: string;
  flow: FlowKind;
  /** Origin (plus optional path prefix) the documented paths are appended to. */
  baseUrl: string;
  /** Where this base URL points: "production", "beta" or "custom" (a sandbox or test double). */
  environment: string;
  /** null when the credentials are not configured: the service shows as "Not configured". */
  credentials: ClientCredentials | null;
  scopes: readonly ScopeInfo[];
  requestedScopes: readonly string[];
  /** See ServiceDefinition.requiredScopes. */
  requiredScopes: readonly string[];
  revocation: RevocationKind;
  /** Where the athlete ends the access at the service when it documents no revocation: shown in the Disconnect dialog and after disconnecting. */
  disconnectNote?: string;
  /**
   * Exchanges a refresh token for new tokens (RFC 6749 §6) the way the service documents it; absent when the
   * service has no refresh (FitRankings). `refreshToken` of the result is null when the response omitted it
   * (the caller keeps the old one). Throws ServiceError.
   */
  refresh?(refreshToken: string): Promise<IssuedTokens>;
}

/** The result of an authorization-code exchange. */
export interface CodeExchange {
  tokens: IssuedTokens;
  /** The account's id at the service; null when the service does not reveal one. */
  accountId: string | null;
  /** Facts worth keeping for the next exchange (stored in service_settings), e.g. the grant_type that worked. */
  learned?: Record<string, string>;
  /** A short note for the audit log; never a token. */
  note?: string;
}

/** An integration whose linking is the authorization-code flow. */
export interface AuthorizationCodeIntegration extends Integration {
  flow: "authorization_code";
  authorizationUrl: string;
  /** Send PKCE (RFC 7636, S256): only where the service is known to accept it (RFC 9700 §2.1.1). */
  pkce: boolean;
  /**
   * Exchanges an authorization code for tokens. `redirectUri` is the callback the code was sent to;
   * `learned` is what an earlier exchange taught us about the service (see CodeExchange.learned).
   * Throws ServiceError.
   */
  exchangeCode(code: string, redirectUri: string, learned: Readonly<Record<string, string>>, codeVerifier?: string): Promise<CodeExchange>;
  /** Revokes access at the service (RFC 7009). Throws ServiceError; a 2xx answer means done. */
  revoke(tokens: ConnectionTokens): Promise<void>;
}

/** An integration linked server to server by an admin, from the user's id at the service (ExorLive). */
export interface ServerToServerIntegration extends Integration {
  flow: "server_to_server";
  /**
   * Obtains tokens for the service's user `userId` (digits): an authorization code from the service, then
   * the token exchange. Throws ServiceError (e.g. `invalid_client`, `invalid_request`, `unavailable`).
   */
  linkUser(userId: string): Promise<CodeExchange>;
}

/** An integration whose browser flow returns the user token in the callback query (FitRankings). */
export interface TokenInCallbackIntegration extends Integration {
  flow: "token_in_callback";
  /** Where to send the browser; `callbackUri` is our callback, carrying our own `state` in its path. */
  authorizationRequestUrl(callbackUri: string): string;
  /**
   * Asks the service who `userToken` belongs to (an authenticated request made with the user's own token) and
   * resolves to that user's id. Throws ServiceError: `invalid_grant` when the service rejects the token,
   * `malformed` for an answer without an id, transient kinds when it cannot be reached.
   */
  identifyUser(userToken: string): Promise<string>;
  /** Obtains the app-level master token with the client credentials. Throws ServiceError. */
  obtainMasterToken(): Promise<string>;
  /**
   * An application-level call made with the master token (the activities of all users who authorized the
   * app); resolves to how many there are. Throws ServiceError, `invalid_client` when the token is rejected.
   */
  countActivities(masterToken: string): Promise<number>;
}
