import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, it } from "node:test";
import { db } from "@/db";
import { adminActions, connectionEvents, users } from "@/db/schema";
import { auditFilterSchema, listAudit } from "@/lib/admin/audit";
import { auditCsvStream } from "@/lib/admin/audit-export";
import type { SessionUser } from "@/lib/auth/users";
import { toCsv } from "@/lib/csv";
import { openMigratedDb } from "@/tests/helpers/db";

const admin: SessionUser = { id: randomUUID(), email: "admin@audit.example", name: "Audit Admin", role: "admin" };

async function text(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  let out = "";
  let chunks = 0;
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    out += decoder.decode(next.value, { stream: true });
    chunks++;
  }
  return { text: out + decoder.decode(), chunks };
}

before(async () => {
  await openMigratedDb();
  const athlete = { id: randomUUID(), email: "athlete@audit.example", name: "Audit Athlete", role: "athlete" as const };
  await db.insert(users).values([admin, athlete]);
  // 2,345 events over a few minutes (many sharing a millisecond: the keyset must keep ties in order), 40 admin actions.
  const t0 = Date.UTC(2026, 10, 1, 12, 0, 0);
  const services = ["trainerday", "enduco"] as const;
  await db.insert(connectionEvents).values(
    Array.from({ length: 2345 }, (_, i) => ({
      at: new Date(t0 + Math.floor(i / 3) * 250),
      athleteId: athlete.id,
      actorId: null,
      service: services[i % 2]!,
      kind: "refreshed" as const,
      detail: i % 7 === 0 ? `note, "quoted" ${i}` : null,
    })),
  );
  await db.insert(adminActions).values(
    Array.from({ length: 40 }, (_, i) => ({
      at: new Date(t0 + i * 5_000),
      actorId: admin.id,
      targetUserId: athlete.id,
      kind: "role_changed" as const,
      detail: `=formula ${i}`,
    })),
  );
});

describe("audit log CSV export", () => {
  it("streams every matching row once, in the log's order, whatever the batch size", async () => {
    const filter = auditFilterSchema.parse({});
    const { entries } = await listAudit(admin, filter, 100_000);
    assert.equal(entries.length, 2385);
    const streamed = await text(auditCsvStream(admin, filter, 100));
    assert.ok(streamed.chunks >= 24, `streamed in ${streamed.chunks} chunks`);
    const lines = streamed.text.trimEnd().split("\r\n");
    assert.equal(lines[0], '"Time (UTC)","Kind","What","Who","Athlete or user","Service","Detail"');
    // Same rows and order as one unbatched read (CSV-quoted the same way: formula guard, quotes doubled).
    const whole = toCsv(
      entries.map((e) => [
        e.at.toISOString(),
        e.kind,
        e.label,
        e.actorName,
        e.athleteName ?? "",
        e.service === "trainerday" ? "TrainerDay" : e.service === "enduco" ? "enduco" : "",
        e.detail ?? "",
      ]),
    );
    assert.equal(streamed.text.slice(streamed.text.indexOf("\r\n") + 2), whole);
    assert.ok(streamed.text.includes(`"note, ""quoted"" 0"`));
    assert.ok(streamed.text.includes(`,"'=formula 0"\r\n`));
  });

  it("applies the filters, and an empty result is the header alone", async () => {
    const enduco = await text(auditCsvStream(admin, auditFilterSchema.parse({ service: "enduco" }), 500));
    assert.equal(enduco.text.trimEnd().split("\r\n").length, 1 + 1172);
    assert.ok(!enduco.text.includes("TrainerDay"));
    const none = await text(auditCsvStream(admin, auditFilterSchema.parse({ from: "2030-01-01" })));
    assert.equal(none.text, '"Time (UTC)","Kind","What","Who","Athlete or user","Service","Detail"\r\n');
  });

  it("refuses anyone but an admin before reading anything", () => {
    assert.throws(() => auditCsvStream({ ...admin, role: "coach" }, auditFilterSchema.parse({})), /Forbidden|not allowed/i);
  });
});
