import type { RateLimitConfig } from '../../../shared/config';

/** Most client buckets kept per route; beyond this, full (idle) buckets are dropped first. */
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  /** Time (ms) the tokens were last topped up. */
  at: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** Seconds until a token is available (only when not allowed). */
  readonly retryAfter: number;
}

const ALLOWED: RateDecision = Object.freeze({ allowed: true, retryAfter: 0 });

/**
 * A token bucket per client address (or one for the whole route): `rate` tokens a
 * second, at most `burst` stored. The clock is injected so tests need no sleeps.
 */
export class RateLimiter {
  readonly rate: number;
  readonly burst: number;
  readonly perRoute: boolean;
  private readonly buckets = new Map<string, Bucket>();

  constructor(config: RateLimitConfig) {
    this.rate = config.rate;
    this.burst = config.burst ?? Math.max(1, Math.ceil(config.rate));
    this.perRoute = config.per === 'route';
  }

  /** Takes one token for `clientAddress` at time `now` (ms). */
  take(clientAddress: string, now: number): RateDecision {
    const key = this.perRoute ? '' : clientAddress;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.evict(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      const elapsed = Math.max(0, now - b.at) / 1000;
      b.tokens = Math.min(this.burst, b.tokens + elapsed * this.rate);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return ALLOWED;
    }
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / this.rate)) };
  }

  /** Drops buckets that have refilled completely (they behave like new ones); else the oldest. */
  private evict(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.rate >= this.burst) this.buckets.delete(key);
    }
    if (this.buckets.size >= MAX_BUCKETS) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
