import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { accounts, adminActions, users } from "@/db/schema";
import { CONNECTIONS_CSV_HEADER, connectionsCsvStream, isSameOriginPost, recordConnectionsExport } from "@/lib/admin/bulk-export";
import type { SessionUser } from "@/lib/auth/users";
import { REQUIRED_SCOPES } from "@/lib/integrations/required-scopes";
import { openMigratedDb } from "@/tests/helpers/db";

const admin: SessionUser = { id: randomUUID(), email: "export-admin@test.example", name: "Export Admin", role: "admin" };
const CANARY = "CANARY-7f3a9c-token";
const LINKED = new Date(Date.UTC(2026, 10, 1, 8, 30, 0));
const EXPIRES = Math.floor(Date.UTC(2030, 0, 1) / 1000);

/** The records of `csv` (RFC 4180 as lib/csv.ts writes it: every field quoted, no line breaks inside fields here). */
function parse(csv: string): string[][] {
  assert.ok(csv.endsWith("\r\n"));
  return csv
    .slice(0, -2)
    .split("\r\n")
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"(?:,|$)/g)].map((m) => m[1]!.replaceAll('""', '"')));
}

async function read(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  let text = "";
  let chunks = 0;
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    text += decoder.decode(next.value, { stream: true });
    chunks++;
  }
  return { text: text + decoder.decode(), chunks };
}

let athletes: { id: string; name: string; email: string }[] = [];

before(async () => {
  await openMigratedDb();
  await db.insert(users).values(admin);
  // 20 athletes, names shared in pairs (ties broken by id), each with FitRankings (live, token not expiring),
  // ExorLive (live, its required scopes granted, token expiring in 2030, a last error with a comma and quotes) and TrainerDay (disconnected).
  athletes = Array.from({ length: 20 }, (_, i) => ({
    id: randomUUID(),
    name: `Export ${String(i % 10).padStart(2, "0")}`,
    email: `${randomUUID()}@test.example`,
  }));
  await db.insert(users).values(athletes.map((a) => ({ ...a, role: "athlete" as const })));
  await db.insert(accounts).values(
    athletes
      .flatMap((a) =>
        [
          { provider: "fitrankings" as const, state: "connected" as const, token: `v1.k.${CANARY}`, expiresAt: null, lastError: null },
          { provider: "exorlive" as const, state: "connected" as const, token: `v1.k.${CANARY}`, expiresAt: EXPIRES, lastError: 'timeout, "again"' },
          { provider: "trainerday" as const, state: "disconnected" as const, token: null, expiresAt: EXPIRES, lastError: "=cmd|' /C calc'!A0" },
        ].map((c) => ({ ...c, userId: a.id })),
      )
      .map((c) => ({
        id: randomUUID(),
        userId: c.userId,
        provider: c.provider,
        providerAccountId: randomUUID(),
        accessToken: c.token,
        refreshToken: c.token ? `${c.token}-refresh` : null,
        keyId: c.token ? "k" : null,
        expiresAt: c.expiresAt,
        state: c.state,
        linkedAt: LINKED,
        lastRefreshedAt: c.token ? new Date(LINKED.getTime() + 60_000) : null,
        lastVerifiedAt: c.token ? new Date(LINKED.getTime() + 120_000) : null,
        lastError: c.lastError,
        scope: REQUIRED_SCOPES[c.provider].join(" ") || null,
        updatedAt: LINKED,
      })),
  );
});

describe("connections CSV export", () => {
  it("streams a header and every connection once, in the list's order, whatever the batch size; never a token", async () => {
    const { text, chunks } = await read(connectionsCsvStream(admin, {}, 7));
    assert.ok(chunks >= 9, `60 rows in pages of 7: ${chunks} chunks`);
    assert.ok(!text.includes(CANARY) && !text.includes("v1.k."), "no token, sealed or not");
    const [header, ...rows] = parse(text);
    assert.deepEqual(header, CONNECTIONS_CSV_HEADER);
    assert.ok(!header!.some((h) => /token$/i.test(h)), "no token column");
    assert.equal(rows.length, 60);
    const order = [...athletes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    const byEmail = new Map(athletes.map((a) => [a.email, a]));
    assert.deepEqual(
      rows.map((r) => `${byEmail.get(r[1]!)!.id} ${r[2]}`),
      order.flatMap((a) => [`${a.id} ExorLive`, `${a.id} FitRankings`, `${a.id} TrainerDay`]),
    );
    const [exorlive, fitrankings, trainerday] = rows;
    assert.deepEqual(exorlive, [
      order[0]!.name,
      order[0]!.email,
      "ExorLive",
      "Connected",
      "2026-11-01T08:30:00.000Z",
      "2026-11-01T08:31:00.000Z",
      "2026-11-01T08:32:00.000Z",
      "2030-01-01T00:00:00.000Z",
      'timeout, "again"',
    ]);
    assert.equal(fitrankings![7], "", "a token that does not expire has no expiry");
    assert.deepEqual(trainerday!.slice(2, 9), ["TrainerDay", "Not connected", "2026-11-01T08:30:00.000Z", "", "", "", "'=cmd|' /C calc'!A0"]);
  });

  it("respects the filters: service, derived status, athlete", async () => {
    const exorlive = parse((await read(connectionsCsvStream(admin, { service: "exorlive" }))).text).slice(1);
    assert.equal(exorlive.length, 20);
    assert.ok(exorlive.every((r) => r[2] === "ExorLive"));
    const gone = parse((await read(connectionsCsvStream(admin, { status: "not_connected" }))).text).slice(1);
    assert.equal(gone.length, 20);
    assert.ok(gone.every((r) => r[2] === "TrainerDay" && r[3] === "Not connected"));
    const one = parse((await read(connectionsCsvStream(admin, { athlete: athletes[3]!.id, status: "connected" }))).text).slice(1);
    assert.deepEqual(
      one.map((r) => [r[1], r[2]]),
      [
        [athletes[3]!.email, "ExorLive"],
        [athletes[3]!.email, "FitRankings"],
      ],
    );
    const none = parse((await read(connectionsCsvStream(admin, { service: "enduco" }))).text);
    assert.deepEqual(none, [CONNECTIONS_CSV_HEADER], "the header alone when nothing matches");
  });

  it("records one bulk_export admin action with the count and the filters", async () => {
    await recordConnectionsExport(admin, {});
    await recordConnectionsExport(admin, { service: "exorlive", athlete: athletes[0]!.id });
    const rows = await db.select().from(adminActions).where(eq(adminActions.kind, "bulk_export")).orderBy(adminActions.id);
    assert.equal(rows.length, 2);
    assert.deepEqual(
      rows.map((r) => [r.actorId, r.targetUserId, r.service, r.detail]),
      [
        [admin.id, null, null, "exported 60 connection(s) as CSV (no filters)"],
        [admin.id, athletes[0]!.id, "exorlive", `exported 1 connection(s) as CSV (service=exorlive athlete=${athletes[0]!.id})`],
      ],
    );
  });

  it("refuses anyone but an admin, before reading or writing anything", async () => {
    const coach: SessionUser = { ...admin, role: "coach" };
    assert.throws(() => connectionsCsvStream(coach, {}), /permission/);
    await assert.rejects(recordConnectionsExport(coach, {}), /permission/);
    assert.equal((await db.select().from(adminActions).where(eq(adminActions.actorId, admin.id))).length, 2);
  });

  it("accepts only a POST from this app: its Origin, or a null Origin the browser marks same-origin (SECURITY.md row 11)", () => {
    const post = (headers: Record<string, string>) => new Request("http://app.example/admin/connections/export", { method: "POST", headers });
    assert.equal(isSameOriginPost(post({ host: "app.example", origin: "http://app.example" })), true);
    assert.equal(isSameOriginPost(post({ host: "internal:3000", "x-forwarded-host": "app.example", origin: "https://app.example" })), true);
    assert.equal(isSameOriginPost(post({ host: "app.example", origin: "https://evil.example" })), false);
    assert.equal(isSameOriginPost(post({ host: "app.example", origin: "https://evil.example", "sec-fetch-site": "same-origin" })), false);
    assert.equal(isSameOriginPost(post({ host: "app.example", origin: "null" })), false);
    assert.equal(isSameOriginPost(post({ host: "app.example", origin: "null", "sec-fetch-site": "cross-site" })), false);
    assert.equal(isSameOriginPost(post({ host: "app.example" })), false, "no Origin and no Fetch Metadata");
    // Our own form under Referrer-Policy: no-referrer: Origin null, and the browser's own Sec-Fetch-Site.
    assert.equal(isSameOriginPost(post({ host: "app.example", origin: "null", "sec-fetch-site": "same-origin" })), true);
    assert.equal(isSameOriginPost(post({ host: "app.example", origin: "not a url" })), false);
  });
});
