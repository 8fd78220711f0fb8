import type { CommittedAuditEvent } from '../../contracts/index.js';
import type { AuditBundle } from './format.js';

/** One discrepancy between two nodes' ledgers. */
export interface ReconcileIssue {
  /** The query `jti` (or disclosure id) the discrepancy is about. */
  readonly id: string;
  readonly problem: 'missing' | 'different';
  /** The side whose ledger lacks the event or holds the differing one: 'A' or 'B' (for 'different', both). */
  readonly side: 'A' | 'B' | 'both';
  readonly message: string;
}

export interface ReconcileResult {
  /** Pairs found on both sides that agree. */
  readonly matched: number;
  readonly issues: readonly ReconcileIssue[];
}

type Ev = CommittedAuditEvent & Record<string, unknown>;
type Indexed = Map<number, { index: number; event: Ev }>;

/** Which event on the other side answers each event, and which fields both sides must agree on. */
const PAIRS: readonly {
  sent: string;
  received: string;
  key: 'jti' | 'disclosureId';
  fields: readonly string[];
}[] = [
  {
    sent: 'query-sent',
    received: 'query-received',
    key: 'jti',
    fields: ['queryDigest', 'purpose', 'caseRef', 'officer', 'subjectKind', 'granularity'],
  },
  {
    sent: 'response-sent',
    received: 'response-received',
    key: 'jti',
    // Not responseDigest: the response embeds the receipt of the leaf, so that leaf commits to what was
    // released (releasedDigest, the RFC 8785 digest of the results), which both sides compute alike.
    fields: ['queryDigest', 'responseJti', 'releasedDigest', 'outcome', 'hitCount'],
  },
];

/**
 * Pair one node's sent events with the other's received events by `jti` (query-sent ↔ query-received,
 * response-sent ↔ response-received, in both directions) and list what is missing or different on either side.
 * Also checks that each response-received's receipt names a leaf of the other side's bundle holding the same
 * `jti`, when that leaf is in the bundle. Only events between the two agencies are considered. Verify both
 * bundles with `verifyBundle` first: reconciling unverified bundles proves nothing.
 */
export function reconcile(a: AuditBundle, b: AuditBundle): ReconcileResult {
  if (a.agency === null || b.agency === null)
    throw new TypeError('reconcile needs bundles that name their agency');
  const evA = events(a);
  const evB = events(b);
  const issues: ReconcileIssue[] = [];
  let matched = 0;
  const sides: [string, Indexed, string, Indexed, 'A' | 'B', 'A' | 'B'][] = [
    [a.agency, evA, b.agency, evB, 'A', 'B'],
    [b.agency, evB, a.agency, evA, 'B', 'A'],
  ];
  for (const pair of PAIRS) {
    for (const [senderAgency, senderEvents, receiverAgency, receiverEvents, sName, rName] of sides) {
      const sent = byKey(senderEvents, pair.sent, receiverAgency, pair.key);
      const received = byKey(receiverEvents, pair.received, senderAgency, pair.key);
      for (const [id, s] of sent) {
        const r = received.get(id);
        if (r === undefined) {
          issues.push({
            id,
            problem: 'missing',
            side: rName,
            message: `${pair.key} ${id}: ${sName} (${senderAgency}) logged ${pair.sent} at leaf ${s.index} but ${rName} (${receiverAgency}) has no ${pair.received}${pair.sent === 'response-sent' ? ' (response lost in transit?)' : ''}`,
          });
          continue;
        }
        const diffs = pair.fields.filter((f) => JSON.stringify(s.event[f]) !== JSON.stringify(r.event[f]));
        if (diffs.length > 0) {
          issues.push({
            id,
            problem: 'different',
            side: 'both',
            message: `${pair.key} ${id}: ${sName} ${pair.sent} (leaf ${s.index}) and ${rName} ${pair.received} (leaf ${r.index}) differ in ${diffs.join(', ')}`,
          });
        } else {
          matched++;
        }
      }
      for (const [id, r] of received) {
        if (!sent.has(id)) {
          issues.push({
            id,
            problem: 'missing',
            side: sName,
            message: `${pair.key} ${id}: ${rName} (${receiverAgency}) logged ${pair.received} at leaf ${r.index} but ${sName} (${senderAgency}) has no ${pair.sent}`,
          });
        }
      }
    }
  }
  // Receipts: a response-received's receipt must point at the responder's own ledger entry for that exchange.
  for (const [holder, holderEvents, other, otherEvents, hName, oName] of sides) {
    for (const { index, event } of holderEvents.values()) {
      if (event.kind !== 'response-received' || event['peer'] !== other) continue;
      const receipt = event['receipt'] as { leafIndex: number } | null;
      if (receipt === null) continue;
      const target = otherEvents.get(receipt.leafIndex);
      if (target !== undefined && target.event['jti'] !== event['jti']) {
        issues.push({
          id: String(event['jti']),
          problem: 'different',
          side: 'both',
          message: `jti ${String(event['jti'])}: ${hName} (${holder}) holds a receipt for ${oName} leaf ${receipt.leafIndex} (entry ${index}), which logs jti ${String(target.event['jti'])}`,
        });
      }
    }
  }
  return { matched, issues };
}

function events(bundle: AuditBundle): Map<number, { index: number; event: Ev }> {
  const out = new Map<number, { index: number; event: Ev }>();
  for (const e of bundle.entries) out.set(e.index, { index: e.index, event: JSON.parse(e.leaf) as Ev });
  return out;
}

function byKey(
  evs: Map<number, { index: number; event: Ev }>,
  kind: string,
  peer: string,
  key: 'jti' | 'disclosureId',
): Map<string, { index: number; event: Ev }> {
  const out = new Map<string, { index: number; event: Ev }>();
  for (const e of evs.values()) {
    if (e.event.kind === kind && e.event['peer'] === peer && typeof e.event[key] === 'string') {
      out.set(e.event[key] as string, e);
    }
  }
  return out;
}
