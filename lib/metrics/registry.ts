import "server-only";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { SERVICE_IDS, type ServiceId } from "@/db/schema";

/**
 * TrainLink's Prometheus metrics (issue 17; README "Metrics"). One registry per process, kept on `globalThis`:
 * Next.js loads this module once in the instrumentation bundle (where the background refresher counts) and again
 * in each route bundle (where /api/metrics serves), and a module-level registry would be two registries.
 *
 * Counters and the histogram are per process: each instance counts what it did, and Prometheus sums the
 * instances. The gauges read the shared database at scrape time (lib/metrics/gauges.ts), so every instance
 * reports the same values: aggregate them with max(), not sum(). They sit in `databaseRegistry`, rendered only when
 * the scrape could read them (absent series rather than stale or zero ones while the database is down).
 */

export const REFRESH_OUTCOMES = ["success", "service_failure", "reauth_required", "credentials_rejected"] as const;
export type RefreshOutcome = (typeof REFRESH_OUTCOMES)[number];
export const LINK_OUTCOMES = ["success", "failure"] as const;
export type LinkOutcome = (typeof LINK_OUTCOMES)[number];
export const REVOCATION_OUTCOMES = ["revoked", "pending", "refused"] as const;
export type RevocationOutcome = (typeof REVOCATION_OUTCOMES)[number];
/** The endpoint kinds of outbound service calls; any other value is recorded as "other" (bounded label values). */
export const ENDPOINT_KINDS = ["authorize", "token", "refresh", "revoke", "verify", "master_token", "other"] as const;

/** Buckets of trainlink_service_call_duration_seconds, in seconds: 5 ms to 10 s (OUTBOUND_TIMEOUT_MS defaults to 10 s). */
const CALL_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function createMetrics() {
  const registry = new Registry();
  // The database-derived gauges live in a registry of their own, rendered only when the scrape could read them.
  const databaseRegistry = new Registry();
  const counter = <L extends string>(name: string, help: string, outcomes: readonly L[]) => {
    const c = new Counter({ name, help, labelNames: ["service", "outcome"] as const, registers: [registry] });
    for (const service of SERVICE_IDS) for (const outcome of outcomes) c.inc({ service, outcome }, 0);
    return c;
  };
  const serviceCalls = new Histogram({
    name: "trainlink_service_call_duration_seconds",
    help: "Duration of outbound calls to training services, in seconds, by service and endpoint kind.",
    labelNames: ["service", "endpoint"] as const,
    buckets: CALL_BUCKETS_SECONDS,
    registers: [registry],
  });
  for (const service of SERVICE_IDS) for (const endpoint of ENDPOINT_KINDS) serviceCalls.zero({ service, endpoint });
  const metrics = {
    registry,
    databaseRegistry,
    links: counter("trainlink_link_total", "Link attempts by service and outcome (success, failure); per process.", LINK_OUTCOMES),
    refreshes: counter(
      "trainlink_refresh_total",
      "Refresh attempts by service and outcome (success, service_failure, reauth_required, credentials_rejected); per process.",
      REFRESH_OUTCOMES,
    ),
    revocations: counter(
      "trainlink_revocation_total",
      "Revocation attempts at the service by service and outcome (revoked, pending, refused); per process.",
      REVOCATION_OUTCOMES,
    ),
    serviceCalls,
    connections: new Gauge({
      name: "trainlink_connections",
      help: "Connections by service and derived status (as the admin pages show it), read from the database at scrape time.",
      labelNames: ["service", "status"] as const,
      registers: [databaseRegistry],
    }),
    refreshBacklog: new Gauge({
      name: "trainlink_refresh_backlog",
      help: "Connections due for a refresh now, read from the database at scrape time.",
      registers: [databaseRegistry],
    }),
    refresherLag: new Gauge({
      name: "trainlink_refresher_lag_seconds",
      help: "Seconds the oldest due connection has waited for its refresh (0 when none is due), read from the database at scrape time.",
      registers: [databaseRegistry],
    }),
    signInThrottled: new Gauge({
      name: "trainlink_sign_in_throttled",
      help: "Sign-in throttle keys (account, client or device) whose next attempt must wait now, read from the database at scrape time.",
      registers: [databaseRegistry],
    }),
  };
  collectDefaultMetrics({ register: registry, prefix: "trainlink_" });
  return metrics;
}

type Metrics = ReturnType<typeof createMetrics>;
const store = globalThis as typeof globalThis & { __trainlinkMetrics?: Metrics };

/**
 * The process's metrics: the registry and every metric object, created on first use (with every service ×
 * outcome and service × endpoint combination at 0, so rates work from the first scrape, and
 * prom-client's default process metrics prefixed `trainlink_`) and shared by every bundle of the process.
 */
export function appMetrics(): Metrics {
  return (store.__trainlinkMetrics ??= createMetrics());
}

/** Counts one refresh attempt of `service` whose outcome was committed to the database. */
export function countRefresh(service: ServiceId, outcome: RefreshOutcome): void {
  appMetrics().refreshes.inc({ service, outcome });
}

/** Counts one link attempt of `service`: `success` once the connection is stored, `failure` once link_failed is recorded. */
export function countLink(service: ServiceId, outcome: LinkOutcome): void {
  appMetrics().links.inc({ service, outcome });
}

/** Counts one revocation attempt at `service` whose outcome was committed (revoked, pending: retried later, refused by the service). */
export function countRevocation(service: ServiceId, outcome: RevocationOutcome): void {
  appMetrics().revocations.inc({ service, outcome });
}

/** One outbound call to a training service, as lib/integrations/http.ts reports it to its onServiceCall listeners. */
export interface ServiceCallRecord {
  service: ServiceId;
  /** The endpoint kind (authorize, token, refresh, revoke, verify); others are recorded as "other". */
  endpoint: string;
  /** The HTTP status, or null when no answer came (timeout, network). */
  status: number | null;
  /** How long the call took, in milliseconds. */
  latencyMs: number;
  outcome: string;
}

/**
 * Observes one outbound call in trainlink_service_call_duration_seconds{service,endpoint} (the latency converted
 * from milliseconds to seconds). lib/startup.ts registers it with `onServiceCall` once per server process; never throws.
 */
export function observeServiceCall(record: ServiceCallRecord): void {
  const endpoint = (ENDPOINT_KINDS as readonly string[]).includes(record.endpoint) ? record.endpoint : "other";
  if (!(SERVICE_IDS as readonly string[]).includes(record.service) || !Number.isFinite(record.latencyMs)) return;
  appMetrics().serviceCalls.observe({ service: record.service, endpoint }, Math.max(0, record.latencyMs) / 1000);
}
