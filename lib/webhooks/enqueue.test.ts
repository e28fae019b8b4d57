import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, beforeEach, describe, it } from "node:test";
import { and, asc, eq } from "drizzle-orm";
import { db } from "@/db";
import { firstRow } from "@/db/first";
import {
  accounts,
  connectionAlerts,
  connectionEvents,
  users,
  webhookEndpoints,
  webhookOutbox,
  type Account,
  type WebhookEventType,
} from "@/db/schema";
import { closeAlert, openAlert } from "@/lib/alerts/check";
import { recordEvent } from "@/lib/connections/events";
import { claimLease, disconnected, linked, needsReauth, refreshed, refreshFailed, revokedByService } from "@/lib/connections/transitions";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";
import { openMigratedDb } from "@/tests/helpers/db";

// Issue 16: a connection event some endpoint subscribes to writes one delivery per subscribed, enabled endpoint, in
// the event's own transaction, through every code path that writes such events; other kinds write none.

const admin = { userId: null, label: "test" };
let all: string; // subscribed to everything
let linkedOnly: string; // subscribed to connection.linked only
let disabledAll: string; // subscribed to everything, disabled

before(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
  await openMigratedDb();
  const make = async (events: WebhookEventType[]) => {
    const created = await createWebhookEndpoint(admin, { url: "http://127.0.0.1:9/hook", events });
    assert.ok(!("error" in created), "error" in created ? created.error : "");
    return created.endpoint.id;
  };
  all = await make([...WEBHOOK_EVENT_TYPES]);
  linkedOnly = await make(["connection.linked"]);
  disabledAll = await make([...WEBHOOK_EVENT_TYPES]);
  await db.update(webhookEndpoints).set({ disabledAt: new Date(), disabledReason: "test" }).where(eq(webhookEndpoints.id, disabledAll));
});

beforeEach(async () => {
  await db.delete(webhookOutbox).where(eq(webhookOutbox.attempts, 0));
});

/** Every outbox row, as endpoint → [type, payload]. */
async function outbox() {
  const rows = await db.select().from(webhookOutbox).orderBy(asc(webhookOutbox.createdAt));
  return rows.map((r) => ({
    endpoint: r.endpointId,
    type: r.eventType,
    messageId: r.messageId,
    payload: JSON.parse(r.payload) as Record<string, unknown> & { data: Record<string, unknown> },
  }));
}

async function athleteWithConnection(scope = "athlete:read calendar:read workout:read") {
  const athleteId = randomUUID();
  await db.insert(users).values({ id: athleteId, email: `${athleteId}@test.example`, name: "Athlete", role: "athlete" });
  const id = await linked({
    athleteId,
    actorId: athleteId,
    service: "trainerday",
    tokens: {
      accessToken: "at",
      refreshToken: "rt",
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      tokenType: "Bearer",
      grantedScope: scope.split(" "),
    },
    accountId: randomUUID(),
    requestedScopes: scope.split(" "),
    environment: "sandbox",
  });
  const row = (await db.select().from(accounts).where(eq(accounts.id, id)).then(firstRow))!;
  return { athleteId, id, row };
}

const reread = async (id: string): Promise<Account> => (await db.select().from(accounts).where(eq(accounts.id, id)).then(firstRow))!;

describe("webhook deliveries are written with their events", () => {
  it("linked: one row per subscribed enabled endpoint (both subscribers), sharing one webhook-id; none for the disabled one", async () => {
    const { athleteId, id } = await athleteWithConnection();
    const rows = await outbox();
    assert.deepEqual(rows.map((r) => r.endpoint).sort(), [all, linkedOnly].sort());
    assert.equal(new Set(rows.map((r) => r.messageId)).size, 1);
    assert.match(rows[0]!.messageId, /^msg_[0-9a-f]{32}$/);
    const payload = rows[0]!.payload;
    assert.equal(payload.type, "connection.linked");
    assert.ok(!Number.isNaN(Date.parse(payload.timestamp as string)));
    assert.deepEqual(payload.data, {
      connection_id: id,
      athlete_id: athleteId,
      service: "trainerday",
      status: "connected",
      reason: payload.data.reason,
    });
    assert.match(String(payload.data.reason), /granted/);
  });

  it("relinked is connection.linked too", async () => {
    const { athleteId } = await athleteWithConnection();
    await db.delete(webhookOutbox).where(eq(webhookOutbox.attempts, 0));
    await linked({
      athleteId,
      actorId: athleteId,
      service: "trainerday",
      tokens: { accessToken: "at2", refreshToken: "rt2", expiresAt: null, tokenType: "Bearer", grantedScope: [] },
      accountId: null,
      requestedScopes: [],
      environment: "sandbox",
    });
    assert.deepEqual(
      (await outbox()).map((r) => [r.endpoint === all || r.endpoint === linkedOnly, r.type]),
      [
        [true, "connection.linked"],
        [true, "connection.linked"],
      ],
    );
  });

  it("refresh_failed (refresher's transition) and refresh_failed recorded on db (operator error path): one row each, only for the all-events endpoint", async () => {
    const { athleteId, id, row } = await athleteWithConnection();
    await db.delete(webhookOutbox).where(eq(webhookOutbox.attempts, 0));
    const owner = randomUUID();
    assert.ok(await claimLease(id, owner, "connected"));
    await refreshFailed(
      row,
      owner,
      { message: "HTTP 503", nextAttemptAt: new Date(Date.now() + 60_000), failures: 1 },
      null,
      "HTTP 503 from the token endpoint",
    );
    await recordEvent({ actorId: null, athleteId, service: "trainerday", kind: "refresh_failed", detail: "service-level: credentials refused" });
    const rows = await outbox();
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.type, r.payload.data.status, r.payload.data.reason]),
      [
        [all, "connection.refresh_failed", "refresh_failing", "HTTP 503 from the token endpoint"],
        [all, "connection.refresh_failed", "refresh_failing", "service-level: credentials refused"],
      ],
    );
  });

  it("needs_reauth writes refresh_failed and needs_reauth; disconnected writes connection.revoked with status not_connected", async () => {
    const { athleteId, row } = await athleteWithConnection();
    await db.delete(webhookOutbox).where(eq(webhookOutbox.attempts, 0));
    await needsReauth(row, null, "invalid_grant", null);
    assert.deepEqual(
      (await outbox()).map((r) => [r.type, r.payload.data.status]),
      [
        ["connection.refresh_failed", "needs_reauth"],
        ["connection.needs_reauth", "needs_reauth"],
      ],
    );
    await db.delete(webhookOutbox).where(eq(webhookOutbox.attempts, 0));
    await disconnected(await reread(row.id), athleteId, "revoked at the service");
    assert.deepEqual(
      (await outbox()).map((r) => [r.endpoint, r.type, r.payload.data.status]),
      [[all, "connection.revoked", "not_connected"]],
    );
  });

  it("deregistered_by_service (enduco's webhook, a verification) is connection.revoked with status revoked_by_service", async () => {
    const { row } = await athleteWithConnection();
    await db.delete(webhookOutbox).where(eq(webhookOutbox.attempts, 0));
    await revokedByService(row, "TrainerDay rejected the user token at verification (HTTP 401)");
    assert.deepEqual(
      (await outbox()).map((r) => [r.endpoint, r.type, r.payload.data.status]),
      [[all, "connection.revoked", "revoked_by_service"]],
    );
  });

  it("an alert episode of missing_permissions opening is connection.scopes_missing; closing as recovered is connection.recovered", async () => {
    const { athleteId } = await athleteWithConnection("athlete:read");
    await db.delete(webhookOutbox).where(eq(webhookOutbox.attempts, 0));
    assert.ok(await openAlert(athleteId, "trainerday", "missing_permissions", Date.now()));
    let rows = await outbox();
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.type, r.payload.data.status]),
      [[all, "connection.scopes_missing", "missing_permissions"]],
    );
    await db.delete(webhookOutbox).where(eq(webhookOutbox.attempts, 0));
    assert.ok(await openAlert(athleteId, "enduco", "needs_reauth", Date.now()), "another kind of episode");
    assert.deepEqual(await outbox(), [], "only missing_permissions episodes are webhooks");
    const alert = (await db
      .select({ id: connectionAlerts.id })
      .from(connectionAlerts)
      .where(and(eq(connectionAlerts.athleteId, athleteId), eq(connectionAlerts.service, "trainerday")))
      .then(firstRow))!;
    assert.ok(await closeAlert(alert.id, athleteId, "trainerday", true, Date.now()));
    rows = await outbox();
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.type]),
      [[all, "connection.recovered"]],
    );
  });

  it("kinds no webhook carries write nothing: refreshed, link_failed", async () => {
    const { athleteId, id, row } = await athleteWithConnection();
    await db.delete(webhookOutbox).where(eq(webhookOutbox.attempts, 0));
    const owner = randomUUID();
    assert.ok(await claimLease(id, owner, "connected"));
    await refreshed(row, owner, { accessToken: "new", refreshToken: null, expiresAt: null, grantedScope: null }, null, "refreshed");
    await recordEvent({ actorId: athleteId, athleteId, service: "enduco", kind: "link_failed", detail: "access_denied" });
    assert.deepEqual(await outbox(), []);
    const kinds = await db.select({ kind: connectionEvents.kind }).from(connectionEvents).where(eq(connectionEvents.athleteId, athleteId));
    assert.ok(kinds.some((k) => k.kind === "refreshed") && kinds.some((k) => k.kind === "link_failed"), "the events themselves are written");
  });

  it("a rolled-back transaction leaves neither the event nor its deliveries", async () => {
    const { athleteId, row } = await athleteWithConnection();
    await db.delete(webhookOutbox).where(eq(webhookOutbox.attempts, 0));
    const before = await db
      .select()
      .from(connectionEvents)
      .where(and(eq(connectionEvents.athleteId, athleteId), eq(connectionEvents.kind, "deregistered_by_service")));
    await assert.rejects(
      db.transaction(async (tx) => {
        await revokedByService(row, "enduco reported that the user cancelled access", tx);
        await recordEvent({ actorId: null, athleteId, service: "trainerday", kind: "recovered", detail: "x" }, tx);
        assert.equal((await tx.select().from(webhookOutbox)).length, 2, "written inside the transaction");
        throw new Error("roll back");
      }),
      /roll back/,
    );
    assert.deepEqual(await outbox(), []);
    const after = await db
      .select()
      .from(connectionEvents)
      .where(and(eq(connectionEvents.athleteId, athleteId), eq(connectionEvents.kind, "deregistered_by_service")));
    assert.equal(after.length, before.length);
    assert.equal((await reread(row.id)).state, "connected");
  });
});
