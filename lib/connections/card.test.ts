import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { and, eq } from "drizzle-orm";
import { db } from "@/db";
import { adminActions } from "@/db/schema";
import { revokeConnectionAsAdmin } from "@/lib/admin/connections";
import { detailWithReason, reasonFromDetail } from "@/lib/admin/revoke-reason";
import { listConnectionCards } from "@/lib/connections/card";
import { connect, makeUser, nowSeconds, openRosterDb } from "@/tests/helpers/roster";

// The athlete's card view model (lib/connections/card.ts) against a real database: the service's protocol error
// never reaches it, a card that needs a reconnect does not say when access expires, and an administrator's
// revocation shows with its reason.

/** Protocol words of the stored error (the card holds dates as Date objects, so ISO timestamps are the catalogue test's concern). */
const FORBIDDEN = /HTTP|invalid_|grant_type|rotated|\b503\b/;

/** The card's words (its JSON without the service's account id: a random UUID can contain "503"). */
const words = (card: object) => JSON.stringify({ ...card, serviceAccount: undefined });

before(async () => {
  await openRosterDb(); // TrainerDay, enduco and FitRankings configured; ExorLive not
});

describe("connection card view model", () => {
  it("a refused grant gives one plain sentence, no expiry and no protocol words anywhere in the card", async () => {
    const athlete = await makeUser("athlete");
    await connect(athlete, "trainerday", {
      state: "needs_reauth",
      expiresAt: nowSeconds + 3540,
      lastError: "TrainerDay refused the request (HTTP 400, invalid_grant)",
      lastErrorAt: new Date(),
    });
    const card = (await listConnectionCards(athlete.id)).find((c) => c.service === "trainerday")!;
    assert.equal(card.status, "needs_reauth");
    assert.deepEqual(card.message, { tone: "error", text: "TrainerDay stopped accepting TrainLink. Reconnect to fix it." });
    assert.equal(card.showExpiry, false);
    assert.doesNotMatch(words(card), FORBIDDEN);
  });

  it("a failing refresh says the service is not answering, once; the expiry may still show", async () => {
    const athlete = await makeUser("athlete");
    await connect(athlete, "enduco", {
      failureCount: 2,
      lastError: "enduco is unavailable (HTTP 503)",
      lastErrorAt: new Date(),
      nextAttemptAt: new Date(Date.now() + 60_000),
    });
    const card = (await listConnectionCards(athlete.id)).find((c) => c.service === "enduco")!;
    assert.equal(card.status, "refresh_failing");
    assert.equal(card.message?.text, "enduco is not answering right now. TrainLink will try again automatically.");
    assert.equal(card.showExpiry, true);
    assert.doesNotMatch(words(card), FORBIDDEN);
  });

  it("each card carries its service's Disconnect text", async () => {
    const cards = await listConnectionCards((await makeUser("athlete")).id);
    const text = Object.fromEntries(cards.map((c) => [c.service, c.disconnectText]));
    assert.match(text.fitrankings!, /FitRankings keeps your authorization until you remove it there/);
    assert.match(text.exorlive!, /ask an administrator to link it again/);
    assert.match(text.trainerday!, /asks TrainerDay to end its access/);
  });
});

describe("an administrator's revoke with a reason", () => {
  it("is stored with the admin action and shown on the athlete's card until they link again", async () => {
    const admin = await makeUser("admin");
    const athlete = await makeUser("athlete");
    const connectionId = randomUUID();
    // FitRankings documents no revocation endpoint: the revoke runs its whole path here without calling it.
    await connect(athlete, "fitrankings", { id: connectionId, expiresAt: null, scope: null });
    const reason = "Your FitRankings account was <b>shared</b> with another athlete; please link your own.";
    const result = await revokeConnectionAsAdmin(admin, connectionId, reason);
    assert.ok("ok" in result, JSON.stringify(result));

    const [action] = await db
      .select({ detail: adminActions.detail, actorId: adminActions.actorId })
      .from(adminActions)
      .where(and(eq(adminActions.kind, "connection_revoked"), eq(adminActions.targetUserId, athlete.id)));
    assert.equal(action?.actorId, admin.id);
    assert.equal(reasonFromDetail(action?.detail ?? null), reason);
    assert.match(action?.detail ?? "", /^wiped locally \(no revocation endpoint\)/);

    const card = (await listConnectionCards(athlete.id)).find((c) => c.service === "fitrankings")!;
    assert.equal(card.status, "not_connected");
    assert.equal(card.adminRevoke?.reason, reason);
    assert.ok(Math.abs(card.adminRevoke!.atMs - Date.now()) < 60_000);
    // Another athlete's card knows nothing of it.
    const other = await makeUser("athlete");
    assert.equal((await listConnectionCards(other.id)).find((c) => c.service === "fitrankings")!.adminRevoke, null);
  });

  it("a revoke without a reason (bulk) shows none, and neither does an older revoke once the athlete linked again", async () => {
    const admin = await makeUser("admin");
    const athlete = await makeUser("athlete");
    const connectionId = randomUUID();
    await connect(athlete, "fitrankings", { id: connectionId, expiresAt: null, scope: null, linkedAt: new Date(Date.now() - 3_600_000) });
    assert.ok("ok" in (await revokeConnectionAsAdmin(admin, connectionId)));
    assert.equal((await listConnectionCards(athlete.id)).find((c) => c.service === "fitrankings")!.adminRevoke, null);

    // An administrator's revoke from before the athlete's latest link (they linked again, then disconnected themselves).
    const relinked = await makeUser("athlete");
    await connect(relinked, "fitrankings", { state: "disconnected", accessToken: null, refreshToken: null, keyId: null, linkedAt: new Date() });
    await db.insert(adminActions).values({
      actorId: admin.id,
      targetUserId: relinked.id,
      kind: "connection_revoked",
      service: "fitrankings",
      at: new Date(Date.now() - 3_600_000),
      detail: detailWithReason("wiped locally (no revocation endpoint)", "Shared account"),
    });
    assert.equal((await listConnectionCards(relinked.id)).find((c) => c.service === "fitrankings")!.adminRevoke, null);
  });
});
