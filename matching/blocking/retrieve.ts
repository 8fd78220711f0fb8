/** Bounds on candidate retrieval; a key holding more records than `maxPerKey` is generic and skipped. */
export interface CandidateLimits {
  maxPerKey: number;
  maxCandidates: number;
}

export const DEFAULT_LIMITS: CandidateLimits = { maxPerKey: 200, maxCandidates: 1000 };

export interface Retrieved<Id> {
  ids: Id[];
  keysUsed: number;
  /** Keys skipped because too many records share them (Senzing's generic values). */
  keysSkipped: number;
}

/** Keys that are only worth following when very few records hold them (a surname alone). */
const WEAK_KEY = /^f:/;

/**
 * Union of the records behind each key, ranked by how many keys they share with the query, bounded. The
 * lookup must return at most `limit` ids; getting exactly `limit` back means the key is generic.
 * Weak keys (a surname alone) get an eighth of `maxPerKey`.
 */
export function retrieve<Id>(
  keys: readonly string[],
  lookup: (key: string, limit: number) => Id[],
  limits: CandidateLimits = DEFAULT_LIMITS,
): Retrieved<Id> {
  const hits = new Map<Id, number>();
  let used = 0;
  let skipped = 0;
  for (const k of keys) {
    const max = WEAK_KEY.test(k) ? Math.max(1, Math.floor(limits.maxPerKey / 8)) : limits.maxPerKey;
    const ids = lookup(k, max + 1);
    if (ids.length > max) {
      skipped++;
      continue;
    }
    used++;
    for (const id of ids) hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  let ids = [...hits.keys()];
  if (ids.length > limits.maxCandidates) {
    ids = ids.sort((a, b) => (hits.get(b) ?? 0) - (hits.get(a) ?? 0)).slice(0, limits.maxCandidates);
  }
  return { ids, keysUsed: used, keysSkipped: skipped };
}
