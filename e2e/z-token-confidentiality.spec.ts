import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { SERVER_LOG } from "./config";
import { rawDatabaseBytes } from "./fixtures/db";
import { sandboxTokens } from "./fixtures/sandbox";

// Runs last (files run in name order on the single worker): every token the sandbox issued during the run.
test("no token issued during the e2e run is in the raw database, its WAL, or the server log", async () => {
  const issued = await sandboxTokens();
  const services = new Set(issued.map((t) => t.service));
  expect([...services].sort()).toEqual(["enduco", "exorlive", "fitrankings", "trainerday"]);
  const raw = rawDatabaseBytes();
  const log = readFileSync(SERVER_LOG);
  for (const token of issued) {
    expect(raw.includes(Buffer.from(token.value)), `${token.service} ${token.kind} token in the database`).toBe(false);
    expect(log.includes(Buffer.from(token.value)), `${token.service} ${token.kind} token in the server log`).toBe(false);
  }
});
