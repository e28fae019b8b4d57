import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RateLimiter, rateLimitHeaders } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows `limit` requests per key per window, then refuses until the window ends", () => {
    const limiter = new RateLimiter(3, 60_000);
    const t0 = 1_000_000;
    assert.deepEqual(limiter.take("a", t0), { allowed: true, limit: 3, remaining: 2, resetSeconds: 60 });
    assert.deepEqual(limiter.take("a", t0 + 1_500), { allowed: true, limit: 3, remaining: 1, resetSeconds: 59 });
    assert.deepEqual(limiter.take("a", t0 + 2_000), { allowed: true, limit: 3, remaining: 0, resetSeconds: 58 });
    assert.deepEqual(limiter.take("a", t0 + 59_999), { allowed: false, limit: 3, remaining: 0, resetSeconds: 1 });
    assert.equal(limiter.take("b", t0 + 59_999).allowed, true, "each key has its own window");
    assert.deepEqual(limiter.take("a", t0 + 60_000), { allowed: true, limit: 3, remaining: 2, resetSeconds: 60 });
  });

  it("refused requests do not count: the quota is whole again one window after the first request", () => {
    const limiter = new RateLimiter(1, 10_000);
    assert.equal(limiter.take("k", 0).allowed, true);
    for (let t = 1; t < 10_000; t += 1_000) assert.equal(limiter.take("k", t).allowed, false);
    assert.equal(limiter.take("k", 10_000).allowed, true);
  });

  it("writes the IETF draft's RateLimit and RateLimit-Policy fields", () => {
    assert.deepEqual(rateLimitHeaders({ allowed: true, limit: 600, remaining: 599, resetSeconds: 42 }, 60), {
      "RateLimit-Policy": '"default";q=600;w=60',
      RateLimit: '"default";r=599;t=42',
    });
  });
});
