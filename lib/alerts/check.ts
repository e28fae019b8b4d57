import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, gt, inArray, isNotNull, isNull, lte, not, or, sql, type SQL } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { accounts, connectionAlerts, users, type AlertKind, type ServiceId } from "@/db/schema";
import { alertKindOf, alertWords, cardPath } from "@/lib/alerts/kinds";
import { recordEvent } from "@/lib/connections/events";
import { statusCondition } from "@/lib/connections/status-sql";
import { env } from "@/lib/env";
import { getIntegration } from "@/lib/integrations/registry";
import { enqueueMail } from "@/lib/mail/outbox";
import { oneClickUnsubscribeUrl, unsubscribeUrl, wantsEmail } from "@/lib/mail/preferences";
import { appUrl, renderMail } from "@/lib/mail/render";
import { enqueueConnectionWebhook } from "@/lib/webhooks/enqueue";

/**
 * Athlete alerts (issue 15): an episode opens when a connection starts needing its athlete (alertKindOf) and
 * closes when it works again. Opening writes the connection_alerts row, an `alert_sent` event and the mail, in one
 * transaction, at most once per episode (the partial unique index connection_alerts_open_uq); closing writes a
 * `recovered` event and, for those who want it, a "working again" mail. The check derives episodes from the
 * connections' current state, so a missed tick, a crash or a second instance changes nothing: the next check
 * finds the same answer, and the conditional writes make sure only one instance acts on it.
 */

/** Connections examined per check for new episodes (per kind of search), and open episodes examined for closing. */
const BATCH = 500;

/** How often the check also looks for connections missing permissions (a scan without an index), in milliseconds. */
export const MISSING_PERMISSIONS_SCAN_MS = 10 * 60_000;

/** When this process last scanned for missing permissions, in milliseconds since the epoch. */
let lastMissingScan = Number.NEGATIVE_INFINITY;

/** The columns of a connection alertKindOf reads (AlertRow). */
export const ALERT_COLUMNS = {
  provider: accounts.provider,
  state: accounts.state,
  accessToken: accounts.accessToken,
  failureCount: accounts.failureCount,
  failingSince: accounts.failingSince,
  scope: accounts.scope,
};

/** The quiet period before failing refreshes alert the athlete, in milliseconds (ALERT_FAILING_QUIET_MINUTES). */
export function quietMs(): number {
  return env.ALERT_FAILING_QUIET_MINUTES * 60_000;
}

/** What one check did. */
export interface AlertCheck {
  opened: number;
  closed: number;
}

/**
 * One alert check at `nowMs` (milliseconds since the epoch): opens an episode for every connection that needs
 * its athlete and has none open (with its mail), updates the kind of open episodes whose reason changed (no new
 * mail: one per episode), and closes the episodes of connections that work again or ended. Each connection's
 * change is its own transaction. Resolves to the counts.
 */
export async function runAlertChecks(nowMs = Date.now()): Promise<AlertCheck> {
  const quiet = quietMs();
  const result: AlertCheck = { opened: 0, closed: 0 };
  // New episodes: connections that need their athlete without an open alert (an anti-join on the open index),
  // found through indexes: the stored states through accounts_due_idx, failing refreshes through the small partial
  // accounts_failing_idx. Missing permissions have no index (a scope test on every connected row): that scan runs
  // at most every MISSING_PERMISSIONS_SCAN_MS; the athlete's banner shows them at once all the same.
  const conditions: SQL[] = [
    inArray(accounts.state, ["needs_reauth", "revoked_by_service"]),
    // alertKindOf's refresh_failing, exactly: a candidate it turns down would be read again every check.
    and(
      eq(accounts.state, "connected"),
      isNotNull(accounts.accessToken),
      gt(accounts.failureCount, 0),
      lte(accounts.failingSince, new Date(nowMs - quiet)),
    )!,
  ];
  if (nowMs - lastMissingScan >= MISSING_PERMISSIONS_SCAN_MS || nowMs < lastMissingScan) {
    lastMissingScan = nowMs;
    conditions.push(statusCondition("missing_permissions", nowMs, env.REFRESH_MARGIN_SECONDS));
  }
  const candidates = [];
  for (const condition of conditions) {
    candidates.push(
      ...(await db
        .select({ athleteId: accounts.userId, service: accounts.provider, ...ALERT_COLUMNS })
        .from(accounts)
        .leftJoin(
          connectionAlerts,
          and(eq(connectionAlerts.athleteId, accounts.userId), eq(connectionAlerts.service, accounts.provider), isNull(connectionAlerts.closedAt)),
        )
        .where(and(isNull(connectionAlerts.id), condition))
        .limit(BATCH)),
    );
  }
  for (const row of candidates) {
    const kind = alertKindOf(row, nowMs, quiet);
    if (kind && (await openAlert(row.athleteId, row.service, kind, nowMs))) result.opened += 1;
  }
  // Open episodes whose connection may no longer match them (gone, another state, refreshes no longer failing):
  // close the fixed ones, follow a changed reason. Those that still match are not read again.
  const open = await db
    .select({
      id: connectionAlerts.id,
      athleteId: connectionAlerts.athleteId,
      service: connectionAlerts.service,
      kind: connectionAlerts.kind,
      ...ALERT_COLUMNS,
    })
    .from(connectionAlerts)
    .leftJoin(accounts, and(eq(accounts.userId, connectionAlerts.athleteId), eq(accounts.provider, connectionAlerts.service)))
    .where(
      and(
        isNull(connectionAlerts.closedAt),
        or(
          isNull(accounts.state),
          not(
            or(
              sql`${accounts.state} = ${connectionAlerts.kind}`,
              and(
                eq(connectionAlerts.kind, "refresh_failing"),
                eq(accounts.state, "connected"),
                isNotNull(accounts.accessToken),
                gt(accounts.failureCount, 0),
              ),
              and(eq(connectionAlerts.kind, "missing_permissions"), statusCondition("missing_permissions", nowMs, env.REFRESH_MARGIN_SECONDS)),
            )!,
          ),
        ),
      ),
    )
    .limit(BATCH);
  for (const alert of open) {
    // Still failing but inside a new quiet period counts as still needing the athlete: it is the same episode.
    const kind =
      alert.state && alert.provider
        ? alertKindOf({ ...alert, state: alert.state, provider: alert.provider, failureCount: alert.failureCount ?? 0 }, nowMs, 0)
        : null;
    if (kind === alert.kind) continue;
    if (kind) {
      await db
        .update(connectionAlerts)
        .set({ kind })
        .where(and(eq(connectionAlerts.id, alert.id), isNull(connectionAlerts.closedAt)));
      continue;
    }
    const recovered = alert.state === "connected";
    if (await closeAlert(alert.id, alert.athleteId, alert.service, recovered, nowMs)) result.closed += 1;
  }
  return result;
}

/** The athlete's email and name, or undefined when the account is gone or disabled. */
async function recipient(athleteId: string, tx: Executor) {
  const [user] = await tx
    .select({ email: users.email, name: users.name, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, athleteId))
    .limit(1);
  return user && !user.disabledAt ? user : undefined;
}

/**
 * Opens an episode of `kind` for `athleteId` at `service` at `nowMs`, with its `alert_sent` event, (if the athlete
 * wants connection alerts) its mail and, for `missing_permissions`, the `connection.scopes_missing` webhook
 * deliveries, in one transaction. Resolves to false when an episode was already open (another
 * instance opened it first): nothing is written then.
 */
export async function openAlert(athleteId: string, service: ServiceId, kind: AlertKind, nowMs: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const id = randomUUID();
    const inserted = await tx
      .insert(connectionAlerts)
      .values({ id, athleteId, service, kind, openedAt: new Date(nowMs) })
      .onConflictDoNothing()
      .returning({ id: connectionAlerts.id });
    if (inserted.length === 0) return false;
    const name = getIntegration(service).name;
    const words = alertWords(kind, name);
    const user = await recipient(athleteId, tx);
    const mailed = user && (await wantsEmail(athleteId, "connection_alerts", tx));
    if (user && mailed) {
      await enqueueMail(
        {
          dedupeKey: `alert:${id}:opened`,
          recipientId: athleteId,
          to: user.email,
          subject: `${words.headline}`,
          ...renderMail({
            greeting: `Hi ${user.name},`,
            paragraphs: [`${words.headline}.`, words.todo],
            action: { label: words.action, url: appUrl(cardPath(service)) },
            footer: "You get this email because a connection of your TrainLink account needs you. You can turn these emails off in Settings.",
            unsubscribeUrl: unsubscribeUrl(athleteId, "connection_alerts"),
          }),
          unsubscribeUrl: oneClickUnsubscribeUrl(athleteId, "connection_alerts"),
        },
        tx,
      );
    }
    await recordEvent(
      {
        actorId: null,
        athleteId,
        service,
        kind: "alert_sent",
        detail: `${words.headline}${mailed ? "; emailed" : "; shown in the app (email off)"}`,
      },
      tx,
    );
    if (kind === "missing_permissions") {
      await enqueueConnectionWebhook(tx, { type: "connection.scopes_missing", athleteId, service, detail: words.headline, at: new Date(nowMs) });
    }
    return true;
  });
}

/**
 * Closes the open episode `alertId` at `nowMs`. When the connection `recovered` (works again, rather than being
 * disconnected or gone), writes a `recovered` event and, if the athlete wants it, a "working again" mail. Resolves
 * to false when another instance closed it first.
 */
export async function closeAlert(alertId: string, athleteId: string, service: ServiceId, recovered: boolean, nowMs: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const closed = await tx
      .update(connectionAlerts)
      .set({ closedAt: new Date(nowMs) })
      .where(and(eq(connectionAlerts.id, alertId), isNull(connectionAlerts.closedAt)))
      .returning({ id: connectionAlerts.id });
    if (closed.length === 0 || !recovered) return closed.length > 0;
    const name = getIntegration(service).name;
    const user = await recipient(athleteId, tx);
    if (user && (await wantsEmail(athleteId, "connection_recovered", tx))) {
      await enqueueMail(
        {
          dedupeKey: `alert:${alertId}:recovered`,
          recipientId: athleteId,
          to: user.email,
          subject: `${name} works again`,
          ...renderMail({
            greeting: `Hi ${user.name},`,
            paragraphs: [`${name} is connected to TrainLink and working again. Nothing else to do.`],
            action: { label: "See your connections", url: appUrl("/connections") },
            footer: "You get this email because you asked to hear when a connection works again. You can turn it off in Settings.",
            unsubscribeUrl: unsubscribeUrl(athleteId, "connection_recovered"),
          }),
          unsubscribeUrl: oneClickUnsubscribeUrl(athleteId, "connection_recovered"),
        },
        tx,
      );
    }
    await recordEvent({ actorId: null, athleteId, service, kind: "recovered", detail: `${name} works again` }, tx);
    return true;
  });
}
