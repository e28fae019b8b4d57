import "server-only";
import { createHash } from "node:crypto";
import { and, asc, eq, isNull, lte } from "drizzle-orm";
import { db } from "@/db";
import { coachAthletes, coachDigests, connectionAlerts, emailPreferences, jobRuns, users, type AlertKind, type ServiceId } from "@/db/schema";
import { env } from "@/lib/env";
import { getIntegration } from "@/lib/integrations/registry";
import { enqueueMail } from "@/lib/mail/outbox";
import { EMAIL_KIND_INFO, oneClickUnsubscribeUrl, unsubscribeUrl } from "@/lib/mail/preferences";
import { appUrl, renderMail } from "@/lib/mail/render";
import { formatUtc } from "@/lib/time";

/** What a digest line says the coach's athlete needs. */
const COACH_WORDS: Record<AlertKind, string> = {
  needs_reauth: "needs to reconnect",
  revoked_by_service: "access ended by the service",
  missing_permissions: "permissions missing",
  refresh_failing: "refreshes failing",
};

/** One athlete's connection in a coach's digest. */
export interface DigestLine {
  athleteId: string;
  athleteName: string;
  service: ServiceId;
  kind: AlertKind;
  since: Date;
}

/** One coach's digest: who gets it, what it lists, and its fingerprint (what changed is compared by it). */
export interface CoachDigest {
  coachId: string;
  email: string;
  name: string;
  lines: DigestLine[];
  fingerprint: string;
  /** The fingerprint of the last digest mailed to this coach, if any. */
  lastFingerprint: string | null;
}

/**
 * Claims the periodic job `name` for this run at `nowMs` (milliseconds since the epoch) when it last ran at least
 * `intervalMs` milliseconds ago (or never): one conditional upsert on job_runs, so among instances checking at the
 * same moment exactly one gets true.
 */
export async function claimJobRun(name: string, intervalMs: number, nowMs: number): Promise<boolean> {
  const now = new Date(nowMs);
  const claimed = await db
    .insert(jobRuns)
    .values({ name, lastRunAt: now })
    .onConflictDoUpdate({ target: jobRuns.name, set: { lastRunAt: now }, setWhere: lte(jobRuns.lastRunAt, new Date(nowMs - intervalMs)) })
    .returning({ name: jobRuns.name });
  return claimed.length === 1;
}

/**
 * Every active coach's digest as of now: the open alerts of their athletes (one query for all coaches), oldest
 * first, with the fingerprint of the list and that of the last digest sent. Coaches who turned the digest off
 * are left out. Two queries whatever the number of coaches.
 */
export async function buildCoachDigests(): Promise<CoachDigest[]> {
  const coaches = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      enabled: emailPreferences.enabled,
      lastFingerprint: coachDigests.fingerprint,
    })
    .from(users)
    .leftJoin(emailPreferences, and(eq(emailPreferences.userId, users.id), eq(emailPreferences.kind, "coach_digest")))
    .leftJoin(coachDigests, eq(coachDigests.coachId, users.id))
    .where(and(eq(users.role, "coach"), isNull(users.disabledAt)));
  const lines = await db
    .select({
      coachId: coachAthletes.coachId,
      athleteId: coachAthletes.athleteId,
      athleteName: users.name,
      service: connectionAlerts.service,
      kind: connectionAlerts.kind,
      since: connectionAlerts.openedAt,
    })
    .from(connectionAlerts)
    .innerJoin(coachAthletes, eq(coachAthletes.athleteId, connectionAlerts.athleteId))
    .innerJoin(users, eq(users.id, connectionAlerts.athleteId))
    .where(and(isNull(connectionAlerts.closedAt), isNull(users.disabledAt)))
    .orderBy(asc(connectionAlerts.openedAt), asc(users.name));
  const byCoach = new Map<string, DigestLine[]>();
  for (const { coachId, ...line } of lines) {
    const list = byCoach.get(coachId) ?? [];
    list.push(line);
    byCoach.set(coachId, list);
  }
  return coaches
    .filter((c) => c.enabled ?? EMAIL_KIND_INFO.coach_digest.defaultOn)
    .map((c) => {
      const mine = byCoach.get(c.id) ?? [];
      const key = mine.map((l) => `${l.athleteId}:${l.service}:${l.kind}:${l.since.getTime()}`).sort();
      return {
        coachId: c.id,
        email: c.email,
        name: c.name,
        lines: mine,
        fingerprint: createHash("sha256").update(key.join("\n")).digest("base64url"),
        lastFingerprint: c.lastFingerprint ?? null,
      };
    });
}

/**
 * Mails `digest` (through the outbox) and records its fingerprint, in one transaction. Nothing is written when
 * the list is empty or unchanged since the last digest. Resolves to true when a mail was enqueued.
 */
export async function sendCoachDigest(digest: CoachDigest, nowMs: number): Promise<boolean> {
  if (digest.lines.length === 0 || digest.fingerprint === digest.lastFingerprint) return false;
  const count = new Set(digest.lines.map((l) => l.athleteId)).size;
  const sentAt = new Date(nowMs);
  return db.transaction(async (tx) => {
    await enqueueMail(
      {
        dedupeKey: `digest:${digest.coachId}:${nowMs}`,
        recipientId: digest.coachId,
        to: digest.email,
        subject: `${count} ${count === 1 ? "athlete needs" : "athletes need"} attention`,
        ...renderMail({
          greeting: `Hi ${digest.name},`,
          paragraphs: [`These connections of your athletes need attention (times in UTC):`],
          items: digest.lines.map((l) => ({
            text: `${l.athleteName} — ${getIntegration(l.service).name}: ${COACH_WORDS[l.kind]} since ${formatUtc(l.since, "d MMM, HH:mm")}`,
            url: appUrl(`/coach/athletes/${l.athleteId}`),
          })),
          action: { label: "Open your roster", url: appUrl("/coach?attention=1") },
          footer: "You get this digest at most once a day, only when the list changed. You can turn it off in Settings.",
          unsubscribeUrl: unsubscribeUrl(digest.coachId, "coach_digest"),
        }),
        unsubscribeUrl: oneClickUnsubscribeUrl(digest.coachId, "coach_digest"),
      },
      tx,
    );
    await tx
      .insert(coachDigests)
      .values({ coachId: digest.coachId, fingerprint: digest.fingerprint, sentAt })
      .onConflictDoUpdate({ target: coachDigests.coachId, set: { fingerprint: digest.fingerprint, sentAt } });
    return true;
  });
}

/**
 * The coach digest job: when DIGEST_INTERVAL_SECONDS (default a day) have passed since the last run on any
 * instance (claimJobRun), builds every coach's digest and mails the changed, non-empty ones. Resolves to the
 * number of digests mailed (0 when it was not yet time).
 */
export async function runCoachDigests(nowMs = Date.now()): Promise<number> {
  if (!(await claimJobRun("coach_digest", env.DIGEST_INTERVAL_SECONDS * 1000, nowMs))) return 0;
  let sent = 0;
  for (const digest of await buildCoachDigests()) if (await sendCoachDigest(digest, nowMs)) sent += 1;
  return sent;
}
