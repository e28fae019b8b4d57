import "server-only";
import type { ServiceHealth, ServiceId } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/users";
import { assertCan } from "@/lib/authz";
import { refreshBacklog, type RefreshBacklog } from "@/lib/connections/backlog";
import { serviceHealthByService } from "@/lib/connections/service-health";
import { integrations } from "@/lib/integrations/registry";
import { lastRefreshErrors, type LastRefreshError } from "@/lib/admin/system/last-errors";
import { medianRefreshLatency, type RefreshLatency } from "@/lib/admin/system/refresh-latency";
import { refreshOutcomesByHour, type HourOutcomes } from "@/lib/admin/system/refresh-outcomes";
import { connectionStatusHistory, type DayCounts } from "@/lib/admin/system/status-history";

/** One service's card on the System page. `configured: false` services carry no figures. */
export interface ServiceOverview {
  id: ServiceId;
  name: string;
  configured: boolean;
  hours: HourOutcomes[];
  latency: RefreshLatency | null;
  lastError: LastRefreshError | null;
  /**
   * Set while the service refuses TrainLink's own client credentials (service_health): its answer, since when,
   * and when the refresher tries again (refreshes of the service are paused until then).
   */
  credentialsRejected: Pick<ServiceHealth, "lastError" | "credentialsRejectedAt" | "nextAttemptAt"> | null;
}

/** Everything /admin/system shows, read at one instant. */
export interface SystemOverview {
  now: Date;
  services: ServiceOverview[];
  backlog: RefreshBacklog;
  /**
   * Connections by status over 30 days: a promise, started with the other queries but not awaited with them, so
   * the page can stream the rest first (it is the slowest query: about 0.5 s at 200,000 events).
   */
  history: Promise<DayCounts[]>;
}

/**
 * What /admin/system shows at `nowMs` (milliseconds since the epoch), for `viewer`: per service of the registry
 * the last 24 hours' refresh outcomes, median latency, last error and credentials pause; the refresher's
 * backlog; connections by status over 30 days (a promise the page awaits in its own Suspense boundary). Six
 * queries, run concurrently. Throws ForbiddenError unless `viewer` holds `system.read`.
 */
export async function systemOverview(viewer: SessionUser | null, nowMs = Date.now()): Promise<SystemOverview> {
  assertCan(viewer, "system.read");
  const now = new Date(nowMs);
  const history = connectionStatusHistory(nowMs);
  history.catch(() => undefined); // awaited (and its failure shown) by the page; never an unhandled rejection
  const [outcomes, latency, errors, health, backlog] = await Promise.all([
    refreshOutcomesByHour(nowMs),
    medianRefreshLatency(nowMs),
    lastRefreshErrors(nowMs),
    serviceHealthByService(),
    refreshBacklog(nowMs),
  ]);
  const services = integrations().map((service): ServiceOverview => ({
    id: service.id,
    name: service.name,
    configured: service.credentials !== null,
    hours: outcomes[service.id],
    latency: latency[service.id] ?? null,
    lastError: errors[service.id] ?? null,
    credentialsRejected: health[service.id] ?? null,
  }));
  return { now, services, backlog, history };
}
