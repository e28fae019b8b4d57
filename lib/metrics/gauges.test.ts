import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { db } from "@/db";
import { accounts, SERVICE_IDS, signInThrottle } from "@/db/schema";
import { refreshBacklog } from "@/lib/connections/backlog";
import { listedStatus, STATUS_COLUMNS } from "@/lib/connections/listed-status";
import { LISTABLE_STATUSES } from "@/lib/connections/status-sql";
import { parseExposition, sampleValue } from "@/lib/metrics/exposition";
import { countConnectionsByStatus, countThrottledSignInKeys } from "@/lib/metrics/gauges";
import { scrapeMetrics } from "@/lib/metrics/scrape";
import { connect, makeUser, NOW, nowSeconds, openRosterDb } from "@/tests/helpers/roster";

before(async () => {
  await openRosterDb(); // REFRESH_MARGIN_SECONDS = 300; sign-in allowances at their defaults (10, 10, 100; 15 min)
});

const scrape = async () => parseExposition((await scrapeMetrics(NOW)).body);

describe("database gauges", () => {
  it("trainlink_connections counts each service × derived status as the admin pages derive it; absent combinations are 0", async () => {
    const a = await makeUser("athlete");
    const b = await makeUser("athlete");
    const c = await makeUser("athlete");
    await connect(a, "trainerday"); // connected
    await connect(b, "trainerday", { expiresAt: nowSeconds + 100 }); // expiring
    await connect(c, "trainerday", { failureCount: 2 }); // refresh_failing
    await connect(a, "enduco", { scope: "plans_read" }); // missing_permissions
    await connect(b, "enduco", { state: "needs_reauth" });
    await connect(c, "enduco", { state: "revocation_pending" });
    await connect(a, "fitrankings", { expiresAt: null, refreshToken: null }); // connected, never expires
    await connect(b, "fitrankings", { state: "revoked_by_service", accessToken: null });
    await connect(c, "fitrankings", { state: "disconnected", accessToken: null }); // not_connected
    await connect(a, "exorlive", { accessToken: null }); // connected without a token: not_connected

    const expected: Record<string, number> = {
      "trainerday connected": 1,
      "trainerday expiring": 1,
      "trainerday refresh_failing": 1,
      "enduco missing_permissions": 1,
      "enduco needs_reauth": 1,
      "enduco revocation_pending": 1,
      "fitrankings connected": 1,
      "fitrankings revoked_by_service": 1,
      "fitrankings not_connected": 1,
      "exorlive not_connected": 1,
    };
    const counted = await countConnectionsByStatus(NOW);
    assert.deepEqual(Object.fromEntries(counted.map((r) => [`${r.service} ${r.status}`, r.count])), expected);

    // The same rows through the JS derivation the lists use (listedStatus): the GROUP BY agrees with it.
    const derived: Record<string, number> = {};
    for (const row of await db.select(STATUS_COLUMNS).from(accounts)) {
      const key = `${row.provider} ${listedStatus(row, NOW)}`;
      derived[key] = (derived[key] ?? 0) + 1;
    }
    assert.deepEqual(derived, expected);

    const samples = await scrape();
    for (const service of SERVICE_IDS) {
      for (const status of LISTABLE_STATUSES) {
        assert.equal(
          sampleValue(samples, "trainlink_connections", { service, status }),
          expected[`${service} ${status}`] ?? 0,
          `${service} ${status}`,
        );
      }
    }
  });

  it("trainlink_refresh_backlog and trainlink_refresher_lag_seconds are refreshBacklog's figures", async () => {
    const athlete = await makeUser("athlete");
    await connect(athlete, "trainerday", { expiresAt: nowSeconds - 1000 }); // due 1300 s ago
    await connect(athlete, "enduco", { expiresAt: nowSeconds + 200 }); // due 100 s ago
    const backlog = await refreshBacklog(NOW);
    assert.ok(backlog.due >= 3, "the expiring row of the first test is due too");
    assert.equal(backlog.lagSeconds, 1300);
    const samples = await scrape();
    assert.equal(sampleValue(samples, "trainlink_refresh_backlog"), backlog.due);
    assert.equal(sampleValue(samples, "trainlink_refresher_lag_seconds"), 1300);
  });

  it("trainlink_sign_in_throttled counts the keys whose next attempt must wait now, per key kind's allowance and the doubling delay", async () => {
    const ago = (ms: number) => new Date(NOW - ms);
    await db.insert(signInThrottle).values([
      { key: "pair:a@x.example|203.0.113.1", failures: 10, lastFailureAt: ago(10_000) }, // allowance spent: 30 s, 10 s ago → throttled
      { key: "pair:b@x.example|unknown", failures: 10, lastFailureAt: ago(40_000) }, // 30 s passed → free
      { key: "pair:c@x.example|unknown", failures: 9, lastFailureAt: ago(1_000) }, // within the allowance → free
      { key: "client:203.0.113.1", failures: 13, lastFailureAt: ago(200_000) }, // 3 past: 240 s, 200 s ago → throttled
      { key: "client:203.0.113.2", failures: 13, lastFailureAt: ago(250_000) }, // 240 s passed → free
      { key: "account:d@x.example", failures: 100, lastFailureAt: ago(20_000) }, // account allowance 100 spent: 30 s → throttled
      { key: "account:e@x.example", failures: 50, lastFailureAt: ago(1_000) }, // within the account allowance → free
      { key: "pair:f@x.example|device:abc", failures: 40, lastFailureAt: ago(14 * 60_000) }, // capped at 15 min → throttled
      { key: "pair:g@x.example|device:xyz", failures: 40, lastFailureAt: ago(16 * 60_000) }, // 15 min passed → free
      { key: "reset-client:203.0.113.9", failures: 40, lastFailureAt: ago(1_000) }, // password-reset requests: not a sign-in
    ]);
    assert.equal(await countThrottledSignInKeys(NOW), 4);
    assert.equal(sampleValue(await scrape(), "trainlink_sign_in_throttled"), 4);
    assert.equal(await countThrottledSignInKeys(NOW + 31_000), 2, "30 s later the two 30 s delays are over");
  });
});
