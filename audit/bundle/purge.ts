import type { AuditLedger } from '../store/ledger.js';

/**
 * Retention: drop the personal-data bodies of entries whose event time is before `before` (ISO, UTC). Leaves
 * commit to a salted digest of the body, not the body, so the tree, every checkpoint and every proof stay
 * valid; the salt goes with the body, so the digest can no longer be tested against guesses. The caller (the
 * gateway CLI) should append a `ledger-purged` event recording the count.
 */
export function purge(store: AuditLedger, before: string): { purged: number } {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+Z)?$/.test(before)) {
    throw new TypeError('purge: before must be an ISO date or UTC instant');
  }
  return { purged: store.purgeBodies(before) };
}
