import type { Features } from '../features.js';
import type { TermFrequencies } from '../score/score.js';
import { blockingKeys, IDENTIFIER_KEYS, termValues } from './keys.js';
import { type CandidateLimits, DEFAULT_LIMITS, type Retrieved, retrieve } from './retrieve.js';

/**
 * Blocking index and term-frequency table held in memory: used by the evaluation and by the in-memory
 * connector. The SQLite connector keeps the same keys and counts in indexed tables.
 */
export class MemoryIndex implements TermFrequencies {
  readonly #keys = new Map<string, string[]>();
  readonly #tf = new Map<string, number>();
  readonly #features = new Map<string, Features>();

  get total(): number {
    return this.#features.size;
  }

  add(id: string, f: Features): void {
    if (this.#features.has(id)) this.remove(id);
    this.#features.set(id, f);
    for (const k of blockingKeys(f)) {
      const list = this.#keys.get(k);
      if (list === undefined) this.#keys.set(k, [id]);
      else list.push(id);
    }
    for (const [field, value] of termValues(f)) {
      const k = `${field}\u0000${value}`;
      this.#tf.set(k, (this.#tf.get(k) ?? 0) + 1);
    }
  }

  remove(id: string): void {
    const f = this.#features.get(id);
    if (f === undefined) return;
    this.#features.delete(id);
    for (const k of blockingKeys(f)) {
      const list = this.#keys.get(k);
      if (list === undefined) continue;
      const i = list.indexOf(id);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.#keys.delete(k);
    }
    for (const [field, value] of termValues(f)) {
      const k = `${field}\u0000${value}`;
      const n = (this.#tf.get(k) ?? 0) - 1;
      if (n <= 0) this.#tf.delete(k);
      else this.#tf.set(k, n);
    }
  }

  /** Distinct blocking keys and distinct counted values held (for connector stats). */
  get sizes(): { keys: number; termValues: number } {
    return { keys: this.#keys.size, termValues: this.#tf.size };
  }

  features(id: string): Features | undefined {
    return this.#features.get(id);
  }

  count(field: string, value: string): number {
    const prefix = Object.hasOwn(IDENTIFIER_KEYS, field) ? IDENTIFIER_KEYS[field] : undefined;
    if (prefix !== undefined) return this.#keys.get(`${prefix}:${value}`)?.length ?? 0;
    return this.#tf.get(`${field}\u0000${value}`) ?? 0;
  }

  candidates(query: Features, limits: CandidateLimits = DEFAULT_LIMITS): Retrieved<string> {
    return retrieve(
      blockingKeys(query, 'query'),
      (k, limit) => (this.#keys.get(k) ?? []).slice(0, limit),
      limits,
    );
  }
}
