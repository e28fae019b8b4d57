import assert from "node:assert/strict";
import { it } from "node:test";
import fc from "fast-check";
import { formatUtc, formatUtcMinute } from "@/lib/time";

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
