/**
 * Per-peer token buckets: each member may send `ratePerSecond` requests on average with bursts up to `burst`.
 * One flooding peer is refused (429) without slowing the others, and the refusal costs a Map lookup: it runs
 * right after the TLS identity is known, before any signature is checked.
 */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #clock: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(ratePerSecond: number, burst: number, clock: () => number) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new TypeError('RateLimiter: rate > 0 and burst >= 1');
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#clock = clock;
  }

  /** Take one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    const now = this.#clock();
    const b = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    // A clock stepped back (NTP) must not drain the bucket: elapsed time is never negative.
    b.tokens = Math.min(this.#burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.#rate);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Seconds until `key` has a token again (for Retry-After). */
  retryAfter(key: string): number {
    const b = this.#buckets.get(key);
    return b && b.tokens < 1 ? Math.ceil((1 - b.tokens) / this.#rate) : 0;
  }
}
