import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../gateway/peer/rate-limit.js';

describe('per-peer token bucket', () => {
  it('allows a burst, then the sustained rate, per key, and says when to retry', () => {
    let now = 0;
    const rl = new RateLimiter(2, 3, () => now);
    expect([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([true, true, true, false]);
    expect(rl.retryAfter('a')).toBe(1);
    expect(rl.take('b')).toBe(true); // another peer is not affected
    now += 500; // half a second refills one token at 2/s
    expect([rl.take('a'), rl.take('a')]).toEqual([true, false]);
    now += 10_000; // never more than the burst
    expect([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([true, true, true, false]);
  });

  it('does not drain a bucket when the clock steps back', () => {
    let now = 1_000_000;
    const rl = new RateLimiter(1, 2, () => now);
    expect(rl.take('a')).toBe(true);
    now -= 120_000;
    expect(rl.take('a')).toBe(true);
    now += 1000;
    expect(rl.take('a')).toBe(true);
  });

  it.each([
    [0, 1],
    [1, 0],
    [-1, 5],
  ])('refuses a rate of %s with burst %s at start-up', (rate, burst) => {
    expect(() => new RateLimiter(rate, burst, () => 0)).toThrow(TypeError);
  });
});
