/**
 * A small seeded generator (mulberry32) so the demo data is the same on every machine for a seed: the
 * walkthrough and the end-to-end test can name records that exist, and a bug report can name a seed.
 * Not for anything that needs unpredictability.
 */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed | 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    const x = xs[Math.floor(this.next() * xs.length)];
    if (x === undefined) throw new TypeError('pick from an empty list');
    return x;
  }

  /** `n` random digits as a string (leading zeros kept). */
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }

  /** `n` random upper-case letters. */
  letters(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(65 + Math.floor(this.next() * 26));
    return s;
  }

  /** A weighted choice: `weights` maps each option to its relative weight. */
  weighted<T extends string>(weights: Readonly<Record<T, number>>): T {
    const entries = Object.entries(weights) as [T, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    const last = entries.at(-1);
    if (last === undefined) throw new TypeError('weighted choice from no options');
    return last[0];
  }
}

/** A typing slip a clerk makes: a dropped, swapped or doubled letter (never the first letter). */
export function typo(rng: Rng, s: string): string {
  const chars = [...s];
  if (chars.length < 4) return s;
  const i = rng.int(1, chars.length - 2);
  const r = rng.next();
  if (r < 0.4) chars.splice(i, 1);
  else if (r < 0.7) {
    const a = chars[i] ?? '';
    chars[i] = chars[i + 1] ?? '';
    chars[i + 1] = a;
  } else chars.splice(i, 0, chars[i] ?? '');
  return chars.join('');
}

/** Letters with diacritics as a form without them would spell them ("Ionuț" → "Ionut"). */
export function stripDiacritics(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '');
}

/** A valid IBAN (ISO 13616 mod-97 check digits) for a country and a BBAN. */
export function iban(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`;
  let rem = 0;
  for (const ch of rearranged) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return `${country}${String(98 - rem).padStart(2, '0')}${bban}`;
}
