import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { athleteOf, connect, makeUser, NOW, openRosterDb } from "@/tests/helpers/roster";
import { rosterCsv } from "./csv";

// Env first (openRosterDb: three services configured, ExorLive not), then migrate; app modules read env on first use.

before(async () => {
  await openRosterDb();
});

describe("roster CSV export", () => {
  it("the roster export guards athletes' names too and has the documented header", async () => {
    const coach = await makeUser("coach", "Coach Csv");
    const evil = await athleteOf(coach, '=HYPERLINK("http://evil.example","x")', "evil@test.example");
    await connect(evil, "trainerday", { lastRefreshedAt: new Date(Date.UTC(2025, 10, 21, 14, 5, 9)) });
    const lines = (await rosterCsv(coach, {}, NOW)).split("\r\n");
    assert.equal(
      lines[0],
      '"Name","Email","TrainerDay status","TrainerDay last refreshed (UTC)","enduco status","enduco last refreshed (UTC)","FitRankings status","FitRankings last refreshed (UTC)","ExorLive status","ExorLive last refreshed (UTC)"',
    );
    assert.equal(
      lines[1],
      `"'=HYPERLINK(""http://evil.example"",""x"")","evil@test.example","Connected","2025-11-21 14:05:09","Not connected","","Not connected","","Not configured",""`,
    );
  });
});
