import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, test, type Browser } from "@playwright/test";
import { E2E_ENGINE, OWN_PAIR, PAIRS } from "./config";
import { signIn } from "./fixtures/auth";
import { createUser, databaseAtRest, withTestDb } from "./fixtures/db";
import { sandboxTokens, sandboxUsername, type SandboxToken } from "./fixtures/sandbox";
import { mailSource } from "./fixtures/mail";
import { caughtMail } from "../scripts/mail-catcher";
import { findPostgresBin } from "../scripts/postgres";

// The "last" project runs this after every other test (playwright.config.ts), over every token that any
// worker's sandbox issued in the run: each pair's tokens must be absent from this pair's pages, from every
// pair's server log, database and WAL, and from the static bundle.

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function pageAs(browser: Browser, email: string, password: string) {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(() => (window.open = () => null));
  await signIn(page, email, password);
  return page;
}

test("no issued token reaches any page or RSC payload of any role, the static bundle, the server log, a mail, the database, its WAL or a backup", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  // A live athlete with three services linked, on the demo coach's roster, so every view has tokens behind it.
  const athlete = await createUser("athlete", "canary");
  await withTestDb(async (db) => {
    const coachId = (await db.get<{ id: string }>("SELECT id FROM users WHERE email = 'coach@example.com'"))!.id;
    await db.run("INSERT INTO coach_athletes (coach_id, athlete_id) VALUES (?, ?)", [coachId, athlete.id]);
  });
  const athletePage = await pageAs(browser, athlete.email, athlete.password);
  for (const name of ["TrainerDay", "enduco", "FitRankings"]) {
    await athletePage.getByRole("region", { name }).getByRole("button", { name: "Connect" }).click();
    if (name !== "FitRankings") await athletePage.getByLabel("Username").fill(sandboxUsername("canary"));
    await athletePage.getByRole("button", { name: "Approve" }).click();
    await expect(athletePage).toHaveURL(/linked=/);
  }

  const issued: SandboxToken[] = [];
  for (const p of PAIRS) issued.push(...(await sandboxTokens(undefined, p.sandboxUrl)));
  expect([...new Set(issued.map((t) => t.service))].sort()).toEqual(["enduco", "exorlive", "fitrankings", "trainerday"]);
  const leaks = (haystack: Buffer | string, where: string) => {
    const buffer = typeof haystack === "string" ? Buffer.from(haystack) : haystack;
    for (const token of issued) expect(buffer.includes(Buffer.from(token.value)), `${token.service} ${token.kind} token in ${where}`).toBe(false);
  };

  const views: [string, string[]][] = [
    [athlete.email, ["/connections", "/connections/trainerday/history", "/connections/enduco/history", "/connections/fitrankings/history"]],
    ["coach@example.com", ["/coach", `/coach/athletes/${athlete.id}`, "/coach/export"]],
    [
      "admin@example.com",
      [
        "/admin",
        `/admin/users/${athlete.id}`,
        "/admin/connections",
        `/admin/connections?athlete=${athlete.id}`,
        "/admin/audit",
        "/admin/audit/export",
        "/admin/services",
      ],
    ],
  ];
  for (const [email, paths] of views) {
    const page = email === athlete.email ? athletePage : await pageAs(browser, email, email === athlete.email ? athlete.password : "demo1234");
    for (const path of paths) {
      const html = await page.request.get(path);
      expect(html.status(), path).toBe(200);
      leaks(await html.body(), `${path} (${email})`);
      const rsc = await page.request.get(path, { headers: { RSC: "1" } });
      leaks(await rsc.body(), `${path} RSC payload (${email})`);
    }
  }

  for (const file of filesUnder(".next/static")) leaks(readFileSync(file), file);
  for (const p of PAIRS) {
    leaks(readFileSync(p.serverLog), `the server log of pair ${p.index}`);
    leaks(await databaseAtRest(p.db), `the database of pair ${p.index} or its WAL`);
    // Every mail the run sent (alerts, reconnect requests, digests): its decoded parts and its source as received.
    for (const mail of await caughtMail(p.inboxUrl)) {
      const received = `${mail.text ?? ""}\n${mail.html ?? ""}\n${await mailSource(mail, p.inboxUrl)}`;
      leaks(Buffer.from(received), `the mail "${mail.subject}" of pair ${p.index}`);
    }
  }

  // A backup of this pair's database: SQLite's online backup (scripts/backup.ts); on PostgreSQL, whose backups
  // are pg_dump's (scripts/backup.ts copies SQLite files only), a plain-text pg_dump.
  const database = OWN_PAIR.db;
  const backup = E2E_ENGINE === "postgres" ? "data/e2e/backups/canary.sql" : "data/e2e/backups/canary.db";
  if (E2E_ENGINE === "postgres") {
    mkdirSync(dirname(backup), { recursive: true });
    const pgBin = findPostgresBin();
    execFileSync(pgBin ? join(pgBin, "pg_dump") : "pg_dump", ["--dbname", database, "--file", backup]);
  } else {
    execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/backup.ts", backup], {
      env: { ...process.env, DATABASE_URL: database, NEXTAUTH_SECRET: "x".repeat(40), TOKEN_ENCRYPTION_KEY: Buffer.alloc(32).toString("base64") },
    });
  }
  leaks(readFileSync(backup), "a backup");
});
