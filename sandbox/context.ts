/** The shared context every sandbox handler receives. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CryptoKey, JWK } from "jose";
import type { SandboxConfig } from "./config.js";
import type { RequestInfo, SandboxState } from "./state.js";

export interface SigningKeys {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface SandboxContext {
  config: SandboxConfig;
  state: SandboxState;
  /** e.g. `http://127.0.0.1:4010` (set once listening). */
  baseUrl: string;
  /** enduco's JWT signing key, generated at start. */
  signing: SigningKeys;
  /** Timers held by `token_timeout` responses; cleared on close. */
  timers: Set<NodeJS.Timeout>;
}

/** One routed request: `path` is relative to the service prefix, `query` is parsed. */
export interface RouteArgs {
  ctx: SandboxContext;
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: URLSearchParams;
  info: RequestInfo;
}

/** A service router: returns false when it does not know the path (→ 404). */
export type ServiceRouter = (args: RouteArgs) => Promise<boolean>;
