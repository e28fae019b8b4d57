/**
 * Fixed settings of `npm run bench`: its own ports, files and secrets, so it never touches the demo's
 * (3000/4010, data/app.db) or the e2e run's (3100/4110, data/e2e). The secrets are not secret: they only
 * protect the throwaway benchmark database.
 */
import { createHash } from "node:crypto";
import { sandboxServiceEnv } from "../scripts/sandbox-env";

export const BENCH_APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3600);
export const BENCH_SANDBOX_PORT = Number(process.env.BENCH_SANDBOX_PORT ?? 4600);
export const BENCH_APP_URL = `http://localhost:${BENCH_APP_PORT}`;
export const BENCH_SANDBOX_URL = `http://127.0.0.1:${BENCH_SANDBOX_PORT}`;
export const BENCH_DIR = "data/bench";
export const BENCH_DB = `${BENCH_DIR}/bench.db`;
export const BENCH_REFRESH_SET = `${BENCH_DIR}/refresh-set.json`;
export const BENCH_SERVER_LOG = `${BENCH_DIR}/server.log`;

/** Password of every seeded user. */
export const BENCH_PASSWORD = "bench-password-1234";
/** The API key the seed stores (every scope), in the format of lib/api-keys: `tlk_<8 hex>_<base64url of 32 bytes>`. */
export const BENCH_API_KEY = `tlk_be4c0001_${createHash("sha256").update("trainlink-bench-api-key").digest("base64url")}`;

/** METRICS_TOKEN of the bench app: the /api/metrics line scrapes with it. */
export const BENCH_METRICS_TOKEN = createHash("sha256").update("trainlink-bench-metrics-token").digest("hex");

/** base64 of 32 bytes, derived from a fixed label: the benchmark database's sealing key. */
export const BENCH_TOKEN_KEY = createHash("sha256").update("trainlink-bench-sealing-key").digest("base64");
export const BENCH_NEXTAUTH_SECRET = createHash("sha256").update("trainlink-bench-nextauth-secret").digest("base64");

export const benchEmail = {
  admin: (i: number) => `admin-${i}@bench.example`,
  coach: (i: number) => `coach-${i}@bench.example`,
  athlete: (i: number) => `athlete-${i}@bench.example`,
};

/** The environment of the app server and the refresh worker: bench database, secrets, sandbox services. */
export function benchAppEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(BENCH_APP_PORT),
    DATABASE_URL: BENCH_DB,
    NEXTAUTH_URL: BENCH_APP_URL,
    NEXTAUTH_SECRET: BENCH_NEXTAUTH_SECRET,
    TOKEN_ENCRYPTION_KEY: BENCH_TOKEN_KEY,
    OUTBOUND_TIMEOUT_MS: "10000",
    // The server's background refresher stays off: the refresh benchmark drives the refresher itself.
    REFRESHER_ENABLED: "false",
    // The API line measures the server's cost per request, not the per-key rate limit.
    API_RATE_LIMIT_PER_MINUTE: "100000000",
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    ...sandboxServiceEnv(BENCH_SANDBOX_URL, BENCH_APP_URL),
    ...extra,
  };
}
