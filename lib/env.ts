import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

const optionalSecret = z.string().min(1).optional();
const url = z.url({ protocol: /^https?$/ });

/** Validates process.env (see `env`). */
function loadEnv() {
  return createEnv({
    server: {
      NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
      DATABASE_URL: z.string().min(1).default("data/app.db"),
      /** PostgreSQL connections per app process (ignored on SQLite). */
      DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
      NEXTAUTH_URL: url.default("http://localhost:3000"),
      NEXTAUTH_SECRET: z.string({ error: "is missing" }).min(32, "must be at least 32 characters (try: openssl rand -base64 32)"),
      TOKEN_ENCRYPTION_KEY: z.string({ error: "is missing" }).min(1, "must be base64 of 32 bytes (try: openssl rand -base64 32)"),
      TRAINERDAY_BASE_URL: url.default("https://trainerday.com"),
      TRAINERDAY_CLIENT_ID: optionalSecret,
      TRAINERDAY_CLIENT_SECRET: optionalSecret,
      ENDUCO_BASE_URL: url.default("https://api.prod.enduco.app"),
      ENDUCO_CLIENT_ID: optionalSecret,
      ENDUCO_CLIENT_SECRET: optionalSecret,
      FITRANKINGS_BASE_URL: url.default("https://api.fitrankings.com"),
      FITRANKINGS_CLIENT_ID: optionalSecret,
      FITRANKINGS_CLIENT_SECRET: optionalSecret,
      EXORLIVE_AUTH_URL: url.default("https://auth.exorlive.com"),
      EXORLIVE_CLIENT_ID: optionalSecret,
      EXORLIVE_CLIENT_SECRET: optionalSecret,
      EXORLIVE_REQUESTER_URL: url.optional(),
      /** Timeout of every outbound call to a service, in milliseconds. */
      OUTBOUND_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
      /** Secret path segment of the enduco webhook URLs; without it the webhook routes answer 404. */
      ENDUCO_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters (try: openssl rand -hex 24)").optional(),
      /** An access token is refreshed when it expires within this many seconds. */
      REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
      /** How often the background refresher looks for due connections, in milliseconds. */
      REFRESHER_INTERVAL_MS: z.coerce.number().int().min(200).default(30_000),
      /** How many refreshes (or revocations) the background refresher keeps in flight at once; size it to latency: rate ≈ this ÷ the service's answer time. */
      REFRESHER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(100),
      /** Days a routine `refreshed` event is kept (failures, links, revocations are kept for good); 0 keeps all. */
      REFRESH_EVENTS_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
      /** Days a received webhook call stays in webhook_deliveries (what it changed stays in the history); 0 keeps all. */
      WEBHOOK_DELIVERIES_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
      /**
       * Sign-in throttling (lib/auth/throttle.ts): failed sign-ins allowed before delays start, per (account,
       * client or device), per client address, and per account across all clients without its device cookie;
       * then delays of 30 s doubling up to SIGNIN_MAX_DELAY_MINUTES.
       */
      SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).default(10),
      SIGNIN_IP_MAX_FAILURES: z.coerce.number().int().min(1).default(10),
      SIGNIN_ACCOUNT_MAX_FAILURES: z.coerce.number().int().min(1).default(100),
      SIGNIN_MAX_DELAY_MINUTES: z.coerce.number().int().min(1).default(15),
      /** Reverse proxies in front of the app that append to X-Forwarded-For; the client is the entry this many from the right. 0: no trusted proxy. */
      TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
      /** PKCE (RFC 7636, S256) on the authorization-code flows; off unless the service is known to accept it. */
      TRAINERDAY_PKCE: z.enum(["true", "false"]).default("false"),
      ENDUCO_PKCE: z.enum(["true", "false"]).default("false"),
      /** "false" turns the background refresher off (e.g. for a read-only replica). */
      REFRESHER_ENABLED: z.enum(["true", "false"]).default("true"),
      /** The SMTP server mail goes through (`smtp://user:pass@host:587`, `smtps://…`); without it no mail is sent (the outbox keeps nothing). */
      SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
      /** The From of every mail: an address, or `Name <address>`. */
      MAIL_FROM: z.string().min(3).default("TrainLink <no-reply@trainlink.invalid>"),
      /** How often the background worker sends waiting mail and checks alerts and reconnect requests, in milliseconds. */
      MAIL_WORKER_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
      /** How often the alert check runs (its cost grows with the open alerts: about 150 ms on SQLite at 18,000), in milliseconds. */
      ALERT_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
      /** How long refreshes must have been failing before the athlete is alerted, in minutes (a quiet period against storms). */
      ALERT_FAILING_QUIET_MINUTES: z.coerce.number().int().min(0).default(60),
      /** Seconds between two coach digests (default one a day); a coach whose list did not change gets none. */
      DIGEST_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(86_400),
      /** Seconds between two verification requests for a connection whose token does not expire (FitRankings). */
      VERIFY_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(21_600),
      /** Requests one API key may make per minute on /api/v1 (each instance counts its own). */
      API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
      /** "true" lets webhook endpoints resolve to private, loopback and link-local addresses (a local receiver, tests); refused otherwise (SSRF). */
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.enum(["true", "false"]).default("false"),
      /** How long one webhook delivery may take (connect, send, answer), in milliseconds. */
      WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
      /** Days an endpoint may fail every delivery before it is disabled (admins are told). */
      WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().int().min(1).default(5),
      /** Bearer token Prometheus must send to scrape /api/metrics; without it the route answers 404. */
      METRICS_TOKEN: z.string().min(16, "must be at least 16 characters (try: openssl rand -hex 24)").optional(),
      /** Graceful shutdown's whole budget after SIGTERM/SIGINT (lib/shutdown.ts), in milliseconds: in-flight work finishes within it, then leases are released and the process exits. */
      SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
      /** The least severe level written to the log (lib/log.ts); "silent" writes nothing. */
      LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    },
    client: {},
    runtimeEnv: {
      NODE_ENV: process.env.NODE_ENV,
      DATABASE_URL: process.env.DATABASE_URL,
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE,
      NEXTAUTH_URL: process.env.NEXTAUTH_URL,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET,
      TOKEN_ENCRYPTION_KEY: process.env.TOKEN_ENCRYPTION_KEY,
      TRAINERDAY_BASE_URL: process.env.TRAINERDAY_BASE_URL,
      TRAINERDAY_CLIENT_ID: process.env.TRAINERDAY_CLIENT_ID,
      TRAINERDAY_CLIENT_SECRET: process.env.TRAINERDAY_CLIENT_SECRET,
      ENDUCO_BASE_URL: process.env.ENDUCO_BASE_URL,
      ENDUCO_CLIENT_ID: process.env.ENDUCO_CLIENT_ID,
      ENDUCO_CLIENT_SECRET: process.env.ENDUCO_CLIENT_SECRET,
      FITRANKINGS_BASE_URL: process.env.FITRANKINGS_BASE_URL,
      FITRANKINGS_CLIENT_ID: process.env.FITRANKINGS_CLIENT_ID,
      FITRANKINGS_CLIENT_SECRET: process.env.FITRANKINGS_CLIENT_SECRET,
      EXORLIVE_AUTH_URL: process.env.EXORLIVE_AUTH_URL,
      EXORLIVE_CLIENT_ID: process.env.EXORLIVE_CLIENT_ID,
      EXORLIVE_CLIENT_SECRET: process.env.EXORLIVE_CLIENT_SECRET,
      EXORLIVE_REQUESTER_URL: process.env.EXORLIVE_REQUESTER_URL,
      OUTBOUND_TIMEOUT_MS: process.env.OUTBOUND_TIMEOUT_MS,
      ENDUCO_WEBHOOK_SECRET: process.env.ENDUCO_WEBHOOK_SECRET,
      REFRESH_MARGIN_SECONDS: process.env.REFRESH_MARGIN_SECONDS,
      REFRESHER_INTERVAL_MS: process.env.REFRESHER_INTERVAL_MS,
      REFRESHER_CONCURRENCY: process.env.REFRESHER_CONCURRENCY,
      REFRESH_EVENTS_RETENTION_DAYS: process.env.REFRESH_EVENTS_RETENTION_DAYS,
      WEBHOOK_DELIVERIES_RETENTION_DAYS: process.env.WEBHOOK_DELIVERIES_RETENTION_DAYS,
      REFRESHER_ENABLED: process.env.REFRESHER_ENABLED,
      SIGNIN_MAX_FAILURES: process.env.SIGNIN_MAX_FAILURES,
      SIGNIN_IP_MAX_FAILURES: process.env.SIGNIN_IP_MAX_FAILURES,
      SIGNIN_ACCOUNT_MAX_FAILURES: process.env.SIGNIN_ACCOUNT_MAX_FAILURES,
      SIGNIN_MAX_DELAY_MINUTES: process.env.SIGNIN_MAX_DELAY_MINUTES,
      // TRUST_PROXY=true (before TRUST_PROXY_HOPS existed) meant one proxy.
      TRUST_PROXY_HOPS: process.env.TRUST_PROXY_HOPS ?? (process.env.TRUST_PROXY === "true" ? "1" : undefined),
      TRAINERDAY_PKCE: process.env.TRAINERDAY_PKCE,
      ENDUCO_PKCE: process.env.ENDUCO_PKCE,
      SMTP_URL: process.env.SMTP_URL,
      MAIL_FROM: process.env.MAIL_FROM,
      MAIL_WORKER_INTERVAL_MS: process.env.MAIL_WORKER_INTERVAL_MS,
      ALERT_FAILING_QUIET_MINUTES: process.env.ALERT_FAILING_QUIET_MINUTES,
      ALERT_CHECK_INTERVAL_MS: process.env.ALERT_CHECK_INTERVAL_MS,
      DIGEST_INTERVAL_SECONDS: process.env.DIGEST_INTERVAL_SECONDS,
      VERIFY_INTERVAL_SECONDS: process.env.VERIFY_INTERVAL_SECONDS,
      API_RATE_LIMIT_PER_MINUTE: process.env.API_RATE_LIMIT_PER_MINUTE,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      WEBHOOK_TIMEOUT_MS: process.env.WEBHOOK_TIMEOUT_MS,
      WEBHOOK_DISABLE_AFTER_DAYS: process.env.WEBHOOK_DISABLE_AFTER_DAYS,
      METRICS_TOKEN: process.env.METRICS_TOKEN,
      SHUTDOWN_TIMEOUT_MS: process.env.SHUTDOWN_TIMEOUT_MS,
      LOG_LEVEL: process.env.LOG_LEVEL,
    },
    emptyStringAsUndefined: true,
    skipValidation: process.env.NEXT_PHASE === "phase-production-build",
    onValidationError(issues) {
      const lines = issues.map((issue) => {
        const name = issue.path?.map((p) => (typeof p === "object" ? p.key : p)).join(".") ?? "(unknown)";
        return `  ${name}: ${issue.message}`;
      });
      throw new Error(`Invalid environment configuration:\n${lines.join("\n")}\nSee .env.example and README "Configuration".`);
    },
  });
}

type Env = ReturnType<typeof loadEnv>;
let loaded: Env | undefined;

/**
 * The validated configuration. Code reads `env`, never `process.env`.
 *
 * Validation runs on the first read of any variable (the server reads them at start-up, lib/startup.ts), not
 * at import, so a test or script can set process.env after importing app modules; it is skipped while
 * `next build` collects pages (no secrets exist at build time). A missing or malformed variable throws an
 * Error whose message names every offending variable, so the app refuses to start instead of failing later.
 * Base URLs are origins (plus optional path prefix) to which each service's documented paths are appended.
 */
export const env: Env = new Proxy({} as Env, {
  get(_target, name) {
    loaded ??= loadEnv();
    return Reflect.get(loaded, name);
  },
});
