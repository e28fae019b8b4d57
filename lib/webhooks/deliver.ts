import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { db } from "@/db";
import { webhookEndpoints, webhookOutbox } from "@/db/schema";
import { env } from "@/lib/env";
import { errorFields, log } from "@/lib/log";
import { privateNetworksAllowed } from "@/lib/webhooks/address";
import { PostError, postWebhook, type PostAnswer } from "@/lib/webhooks/http";
import { claimDueWebhooks, MAX_RETRY_DELAY_MS, RETRY_BASE_MS, RETRY_WINDOW_MS, webhookBackoffMs, type WebhookDelivery } from "@/lib/webhooks/outbox";
import { openWebhookSecret } from "@/lib/webhooks/secret";

/**
 * Sending the outbox: every due delivery claimed under a lease, signed per Standard Webhooks, POSTed (many in
 * flight at once), and its outcome recorded on its row only while the lease is still ours, so a delivery is
 * marked delivered at most once and never sent by two workers at a time.
 */

/** The User-Agent of every delivery. */
export const WEBHOOK_USER_AGENT = "TrainLink-Webhooks/1";

/** What an endpoint's answer means: delivered (2xx), retried later (408, 429, 5xx), or failed for good (anything else, 3xx included). */
export function classifyStatus(status: number): "delivered" | "retry" | "fail" {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) return "retry";
  return "fail";
}

/** What one pass did: deliveries delivered, scheduled for a retry, failed for good, and marks refused because the lease was gone. */
export interface WebhookPass {
  delivered: number;
  retrying: number;
  failed: number;
  leaseLost: number;
}

/**
 * Options of a pass: deliveries in flight at once (default 64); the first retry's delay and the longest one, in
 * milliseconds (default RETRY_BASE_MS and MAX_RETRY_DELAY_MS: only tests and the bench shorten them).
 */
export interface DeliverOptions {
  concurrency?: number;
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
}

type Endpoint = { id: string; url: string; secret: string; disabledAt: Date | null };

const waiters = new Set<() => void>();

/** Tells a pass in progress that new deliveries were enqueued in this process (called by the worker's wake). */
export function notifyEnqueued(): void {
  for (const resolve of waiters) resolve();
  waiters.clear();
}

/**
 * Delivers every due delivery, keeping up to `concurrency` in flight and claiming more as slots free up (and when
 * notifyEnqueued says new rows exist), until none is due and none is in flight. Retries are scheduled, not waited
 * for: a later pass sends them.
 */
export async function deliverDueWebhooks(options: DeliverOptions = {}): Promise<WebhookPass> {
  const concurrency = options.concurrency ?? 64;
  const schedule = { baseMs: options.retryBaseMs ?? RETRY_BASE_MS, maxMs: options.maxRetryDelayMs ?? MAX_RETRY_DELAY_MS };
  const owner = `webhooks:${randomUUID()}`;
  const pass: WebhookPass = { delivered: 0, retrying: 0, failed: 0, leaseLost: 0 };
  const endpoints = new Map<string, Endpoint | null>();
  const signers = new Map<string, Webhook>();
  const cleared = new Set<string>(); // endpoints whose failingSince this pass cleared (and no failure since)
  const inFlight = new Set<Promise<void>>();
  let exhausted = false;
  for (;;) {
    const free = concurrency - inFlight.size;
    if (!exhausted && (inFlight.size === 0 || free >= Math.max(1, concurrency / 4))) {
      const claimed = await claimDueWebhooks(owner, free);
      if (claimed.length < free) exhausted = true;
      const unknown = [...new Set(claimed.map((row) => row.endpointId))].filter((id) => !endpoints.has(id));
      if (unknown.length > 0) {
        const rows = await db
          .select({ id: webhookEndpoints.id, url: webhookEndpoints.url, secret: webhookEndpoints.secret, disabledAt: webhookEndpoints.disabledAt })
          .from(webhookEndpoints)
          .where(inArray(webhookEndpoints.id, unknown));
        for (const id of unknown) endpoints.set(id, rows.find((r) => r.id === id) ?? null);
      }
      for (const row of claimed) {
        const job: Promise<void> = deliverOne(row, endpoints.get(row.endpointId) ?? null, { signers, cleared }, owner, schedule, pass)
          .catch((error: unknown) => log.error({ component: "webhooks", ...errorFields(error) }, "recording a delivery failed"))
          .finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
      if (claimed.length > 0) continue;
    }
    if (inFlight.size === 0) return pass;
    let wake!: () => void;
    const enqueued = new Promise<void>((resolve) => (wake = resolve));
    waiters.add(wake);
    await Promise.race([...inFlight, enqueued]);
    if (waiters.has(wake)) waiters.delete(wake);
    else exhausted = false; // woken: new deliveries were enqueued, claim again
  }
}

/** The signer of `endpoint` (its secret opened once per pass). */
function signerFor(endpoint: Endpoint, signers: Map<string, Webhook>): Webhook {
  let signer = signers.get(endpoint.id);
  if (!signer) {
    signer = new Webhook(openWebhookSecret(endpoint.secret, endpoint.id));
    signers.set(endpoint.id, signer);
  }
  return signer;
}

/** Sends one claimed delivery and records the outcome (never throws: an unexpected error is recorded as a retry). */
async function deliverOne(
  row: WebhookDelivery,
  endpoint: Endpoint | null,
  state: { signers: Map<string, Webhook>; cleared: Set<string> },
  owner: string,
  schedule: { baseMs: number; maxMs: number },
  pass: WebhookPass,
): Promise<void> {
  const attempts = row.attempts + 1;
  const attemptAt = new Date();
  if (!endpoint || endpoint.disabledAt) {
    await record(row, owner, pass, "failed", {
      attempts: row.attempts,
      lastError: endpoint ? "the endpoint is disabled" : "the endpoint was deleted",
    });
    return;
  }
  let answer: PostAnswer | null = null;
  let problem: { error: string; latencyMs: number | null; retry: boolean } | null = null;
  try {
    const signature = signerFor(endpoint, state.signers).sign(row.messageId, attemptAt, row.payload);
    answer = await postWebhook(
      new URL(endpoint.url),
      {
        "content-type": "application/json",
        "user-agent": WEBHOOK_USER_AGENT,
        "webhook-id": row.messageId,
        "webhook-timestamp": String(Math.floor(attemptAt.getTime() / 1000)),
        "webhook-signature": signature,
      },
      row.payload,
      { timeoutMs: env.WEBHOOK_TIMEOUT_MS, allowPrivate: privateNetworksAllowed() },
    );
  } catch (error) {
    if (error instanceof PostError) problem = { error: error.message, latencyMs: error.latencyMs, retry: error.kind !== "forbidden" };
    else
      problem = {
        error:
          error instanceof Error && error.name === "TokenDecryptionError"
            ? "the signing secret could not be opened (TOKEN_ENCRYPTION_KEY)"
            : "unexpected error while sending",
        latencyMs: null,
        retry: true,
      };
  }
  const columns = {
    attempts,
    lastAttemptAt: attemptAt,
    lastStatusCode: answer?.status ?? null,
    lastLatencyMs: answer?.latencyMs ?? problem?.latencyMs ?? null,
  };
  const outcome = answer ? classifyStatus(answer.status) : problem!.retry ? "retry" : "fail";
  if (outcome === "delivered") {
    await record(row, owner, pass, "delivered", { ...columns, lastError: null, deliveredAt: new Date() });
    if (state.cleared.has(endpoint.id)) return;
    state.cleared.add(endpoint.id);
    await db
      .update(webhookEndpoints)
      .set({ failingSince: null })
      .where(and(eq(webhookEndpoints.id, endpoint.id), isNotNull(webhookEndpoints.failingSince)));
    return;
  }
  const why = answer ? `HTTP ${answer.status}${answer.status >= 300 && answer.status < 400 ? " (redirects are not followed)" : ""}` : problem!.error;
  const deadline = row.createdAt.getTime() + RETRY_WINDOW_MS;
  const now = Date.now();
  if (outcome === "retry" && now < deadline) {
    const next = Math.min(
      now +
        webhookBackoffMs(
          attempts,
          answer && (answer.status === 429 || answer.status === 503) ? answer.retryAfterMs : null,
          schedule.baseMs,
          schedule.maxMs,
        ),
      deadline,
    );
    await record(row, owner, pass, "retrying", { ...columns, lastError: why, nextAttemptAt: new Date(next) });
  } else {
    await record(row, owner, pass, "failed", {
      ...columns,
      lastError: outcome === "retry" ? `${why}; gave up after 24 hours of retries` : why,
      failedAt: new Date(),
    });
  }
  state.cleared.delete(endpoint.id);
  await db
    .update(webhookEndpoints)
    .set({ failingSince: attemptAt })
    .where(and(eq(webhookEndpoints.id, endpoint.id), isNull(webhookEndpoints.failingSince)));
}

/** Writes a delivery's outcome and frees its lease, only while `owner` holds it; counts it in `pass`. */
async function record(
  row: WebhookDelivery,
  owner: string,
  pass: WebhookPass,
  outcome: "delivered" | "retrying" | "failed",
  set: Partial<WebhookDelivery>,
): Promise<void> {
  const marked = await db
    .update(webhookOutbox)
    .set({ ...set, failedAt: outcome === "failed" ? (set.failedAt ?? new Date()) : null, leaseOwner: null, leaseUntil: null })
    .where(and(eq(webhookOutbox.id, row.id), eq(webhookOutbox.leaseOwner, owner)))
    .returning({ id: webhookOutbox.id });
  if (marked.length === 0) pass.leaseLost += 1;
  else pass[outcome === "retrying" ? "retrying" : outcome] += 1;
}
