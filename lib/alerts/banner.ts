import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { accounts, type AlertKind, type ServiceId } from "@/db/schema";
import { alertKindOf, alertWords, cardPath } from "@/lib/alerts/kinds";
import { ALERT_COLUMNS, quietMs } from "@/lib/alerts/check";
import { getIntegration } from "@/lib/integrations/registry";

/** One line of the athlete's banner: which service, why, what to do and where. */
export interface BannerAlert {
  service: ServiceId;
  kind: AlertKind;
  headline: string;
  todo: string;
  action: string;
  href: string;
}

/**
 * The connections of `athleteId` that need them right now (alertKindOf on their current rows, so the banner
 * appears with the problem and goes with the fix, without waiting for the alert check), in service order. At most
 * one indexed read of the athlete's few connection rows; never a token.
 */
export async function bannerAlertsOf(athleteId: string, nowMs = Date.now()): Promise<BannerAlert[]> {
  const rows = await db
    .select({ service: accounts.provider, ...ALERT_COLUMNS })
    .from(accounts)
    .where(eq(accounts.userId, athleteId));
  const quiet = quietMs();
  return rows.flatMap((row) => {
    const kind = alertKindOf(row, nowMs, quiet);
    if (!kind) return [];
    const name = getIntegration(row.service).name;
    return [{ service: row.service, kind, ...alertWords(kind, name), href: cardPath(row.service) }];
  });
}
