/** The outcome of counting one request: whether it may go on, and what the RateLimit headers say. */
export interface RateLimitDecision {
  allowed: boolean;
  /** The quota per window (requests). */
  limit: number;
  /** Requests left in the current window after this one (0 when refused). */
  remaining: number;
  /** Seconds until the current window ends and the quota is whole again (at least 1). */
  resetSeconds: number;
}

/**
 * A fixed-window request counter per key, in this process's memory: each key may make `limit` requests per
 * window of `windowMs` milliseconds, the window starting at its first request. Several instances each count their
 * own requests (a key may get `limit` per instance); a restart forgets the counts. Windows that ended are dropped
 * as keys are seen again and in a sweep every so often, so memory stays bounded by the keys in use.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { startMs: number; count: number }>();
  private lastSweepMs = 0;

  /** `limit`: requests per window (≥ 1); `windowMs`: the window's length in milliseconds (60,000 by default). */
  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
  ) {}

  /** Counts one request by `key` at `nowMs` (milliseconds since the epoch) and says whether it may proceed. */
  take(key: string, nowMs = Date.now()): RateLimitDecision {
    this.sweep(nowMs);
    let window = this.windows.get(key);
    if (!window || nowMs - window.startMs >= this.windowMs) {
      window = { startMs: nowMs, count: 0 };
      this.windows.set(key, window);
    }
    const resetSeconds = Math.max(1, Math.ceil((window.startMs + this.windowMs - nowMs) / 1000));
    if (window.count >= this.limit) return { allowed: false, limit: this.limit, remaining: 0, resetSeconds };
    window.count++;
    return { allowed: true, limit: this.limit, remaining: this.limit - window.count, resetSeconds };
  }

  /** Drops ended windows, at most once per window length. */
  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < this.windowMs) return;
    this.lastSweepMs = nowMs;
    for (const [key, window] of this.windows) if (nowMs - window.startMs >= this.windowMs) this.windows.delete(key);
  }
}

/**
 * The rate-limit headers of an answer, per draft-ietf-httpapi-ratelimit-headers (-09 and later): the policy
 * (`RateLimit-Policy: "default";q=<limit>;w=<window seconds>`) and the current state
 * (`RateLimit: "default";r=<remaining>;t=<seconds to reset>`).
 */
export function rateLimitHeaders(decision: RateLimitDecision, windowSeconds: number): Record<string, string> {
  return {
    "RateLimit-Policy": `"default";q=${decision.limit};w=${windowSeconds}`,
    RateLimit: `"default";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}
