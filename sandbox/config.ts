/** Sandbox configuration: which client credentials each emulated service accepts, and enduco's webhook URLs. */

/** The four emulated services, also their URL path prefixes. */
export const SERVICE_IDS = ["trainerday", "enduco", "fitrankings", "exorlive"] as const;

export type ServiceId = (typeof SERVICE_IDS)[number];

/** Human-readable service names as the services spell them. */
export const SERVICE_NAMES: Record<ServiceId, string> = {
  trainerday: "TrainerDay",
  enduco: "enduco",
  fitrankings: "FitRankings",
  exorlive: "ExorLive",
};

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * What enduco's provider management interface holds besides the credentials: where it sends
 * notifications (undefined: not configured).
 */
export interface EnducoWebhookUrls {
  deregisterWebhookUrl: string | undefined;
  planChangedWebhookUrl: string | undefined;
}

export interface SandboxConfig {
  trainerday: ClientCredentials;
  enduco: ClientCredentials & EnducoWebhookUrls;
  fitrankings: ClientCredentials;
  exorlive: ClientCredentials & { requesterUrl: string };
  /** Lifetime of authorization codes (TrainerDay documents ~30 s). */
  codeTtlMs: number;
  /** How long the `token_timeout` mode holds a token request before answering 504. */
  tokenTimeoutMs: number;
  /** Timeout of one outgoing webhook delivery. */
  webhookTimeoutMs: number;
  /**
   * Added to every call of a service's API (token, revocation, user lookups, consent page), in milliseconds:
   * real services answer in 100-500 ms, the sandbox in about 1. SANDBOX_LATENCY_MS, default 0.
   */
  latencyMs: number;
}

export type Env = Record<string, string | undefined>;

/** True when `value` names one of the emulated services. */
export function isServiceId(value: unknown): value is ServiceId {
  return typeof value === "string" && (SERVICE_IDS as readonly string[]).includes(value);
}

function pick(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value !== undefined && value !== "" ? value : fallback;
}

/**
 * An optional absolute http(s) URL; unset or empty is undefined. Anything else fails fast, naming the
 * variable but not echoing the value (webhook URLs may carry a secret path segment).
 */
function optionalUrl(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  let protocol = "";
  try {
    protocol = new URL(value).protocol;
  } catch {
    // reported below
  }
  if (protocol !== "http:" && protocol !== "https:") throw new Error(`${name} must be an absolute http(s) URL`);
  return value;
}

/** SANDBOX_LATENCY_MS as a whole number of milliseconds (0 when unset); throws on anything else. */
function latency(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 0;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) throw new Error(`SANDBOX_LATENCY_MS must be 0-60000 milliseconds, got "${raw}"`);
  return ms;
}

/** Builds the configuration from environment variables (the app's own names), with sandbox defaults. */
export function configFromEnv(env: Env = process.env): SandboxConfig {
  return {
    trainerday: {
      clientId: pick(env, "TRAINERDAY_CLIENT_ID", "sandbox-trainerday-client"),
      clientSecret: pick(env, "TRAINERDAY_CLIENT_SECRET", "sandbox-trainerday-secret"),
    },
    enduco: {
      clientId: pick(env, "ENDUCO_CLIENT_ID", "sandbox-enduco-client"),
      clientSecret: pick(env, "ENDUCO_CLIENT_SECRET", "sandbox-enduco-secret"),
      deregisterWebhookUrl: optionalUrl(env, "ENDUCO_DEREGISTER_WEBHOOK_URL"),
      planChangedWebhookUrl: optionalUrl(env, "ENDUCO_PLAN_CHANGED_WEBHOOK_URL"),
    },
    fitrankings: {
      clientId: pick(env, "FITRANKINGS_CLIENT_ID", "sandbox-fitrankings-client"),
      clientSecret: pick(env, "FITRANKINGS_CLIENT_SECRET", "sandbox-fitrankings-secret"),
    },
    exorlive: {
      clientId: pick(env, "EXORLIVE_CLIENT_ID", "sandbox-exorlive-client"),
      clientSecret: pick(env, "EXORLIVE_CLIENT_SECRET", "sandbox-exorlive-secret"),
      requesterUrl: pick(env, "EXORLIVE_REQUESTER_URL", "http://localhost:3000/exorlive"),
    },
    codeTtlMs: 30_000,
    tokenTimeoutMs: 60_000,
    webhookTimeoutMs: 5_000,
    latencyMs: latency(env.SANDBOX_LATENCY_MS),
  };
}
