import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatInZone, formatUtc, formatUtcMinute } from "@/lib/time";

const anyMinute = fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) });

it("formatUtc writes UTC whatever the server's time zone, across daylight-saving changes", () => {
  const zone = process.env.TZ;
  try {
    for (const tz of ["America/New_York", "Europe/Oslo", "Australia/Lord_Howe"]) {
      process.env.TZ = tz; // Node applies a changed TZ at once
      fc.assert(
        fc.property(anyMinute, (ms) => {
          const d = new Date(ms);
          const pad = (n: number) => String(n).padStart(2, "0");
          const expected = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
          assert.equal(formatUtc(d, "yyyy-MM-dd HH:mm:ss"), expected);
        }),
        { numRuns: 3000, seed: 11 },
      );
    }
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
});

it("formatUtcMinute (Intl, for the browser) writes exactly what formatUtc 'd MMM yyyy, HH:mm' (date-fns) writes", () => {
  // Any minute from 1970 to 2100, every month (en-GB would say "Sept"), both sides of midnight.
  fc.assert(
    fc.property(anyMinute, (ms) => {
      assert.equal(formatUtcMinute(ms), formatUtc(new Date(ms), "d MMM yyyy, HH:mm"));
    }),
    { numRuns: 2000, seed: 7 },
  );
  assert.equal(formatUtcMinute(Date.UTC(2026, 8, 5, 0, 7)), "5 Sep 2026, 00:07");
});

describe("formatInZone", () => {
  const ms = Date.UTC(2026, 11, 3, 7, 41);
  it("writes each style in the given zone, with the zone's short name where a time shows", () => {
    assert.equal(formatInZone(ms, "UTC", "minute"), "3 Dec 2026, 07:41 UTC");
    assert.equal(formatInZone(ms, "Europe/Berlin", "minute"), "3 Dec 2026, 08:41 GMT+1");
    assert.equal(formatInZone(ms, "America/New_York", "dayMinute"), "3 Dec, 02:41 EST");
    assert.equal(formatInZone(ms, "Asia/Tokyo", "day"), "3 Dec 2026");
    assert.equal(formatInZone(ms, "Asia/Tokyo", "dayMonth"), "3 Dec");
    assert.equal(formatInZone(ms, "UTC", "time"), "07:41 UTC");
  });
  it("crosses the date line in the viewer's zone", () => {
    assert.equal(formatInZone(Date.UTC(2026, 11, 31, 23, 30), "Pacific/Auckland", "day"), "1 Jan 2027");
  });
  it("falls back to UTC for a zone the platform does not know", () => {
    assert.equal(formatInZone(ms, "Mars/Olympus", "minute"), "3 Dec 2026, 07:41 UTC");
  });
});
