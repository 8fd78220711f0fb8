import { describe, expect, it } from 'vitest';
import { isMosaicError, type QueryClaims } from '../../contracts/index.js';
import {
  decideQuery,
  evaluate,
  explain,
  type Facts,
  policyWarnings,
  quotaKey,
  recordQuotas,
  runPolicyTests,
  traceText,
  windowStart,
} from '../../policies/index.js';
import { bundleOf, demoContext, factsOf, NOW, writeBundle } from './helpers.js';

/**
 * Quotas that count released records, per peer and per requesting officer (issue 15, finding 3), next to
 * the per-exchange quota bundles already had. `counts` and `per` were not part of the language before: every
 * bundle here was refused (unknown key) by the loader of the old code.
 */

const DAY = windowStart('day', NOW);
const none = new Map<string, number>();
const ana = (over: Partial<Facts> = {}) => factsOf({ requester: 'officer-ana1', ...over });

const summaryWith = (quotas: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 's',
  effect: 'permit',
  grant: { maxGranularity: 'summary', fields: { fullName: 'keep' }, maxHits: 50, quotas, ...extra },
});

const perPeer = { limit: 100, period: 'day', counts: 'records', per: 'peer' };
const perRequester = { limit: 20, period: 'day', counts: 'records', per: 'requester' };

describe('records quotas: what the decision says', () => {
  const bundle = bundleOf([summaryWith([perPeer, perRequester])]);
  const peerKey = quotaKey('hu-border', 's.records.peer', DAY);
  const anaKey = quotaKey('hu-border', 's.records.requester', DAY, 'officer-ana1');

  it('names a counter per peer and one per requester, with default ids <rule>.<counts>.<per>', () => {
    const d = evaluate(bundle.engine, ana(), NOW, none);
    expect(d.effect).toBe('permit');
    expect(d.quota.map((q) => [q.quotaId, q.counts, q.per, q.key, q.limit, q.used])).toEqual([
      ['s.records.peer', 'records', 'peer', peerKey, 100, 0],
      ['s.records.requester', 'records', 'requester', anaKey, 20, 0],
    ]);
    expect(recordQuotas(d)).toEqual(d.quota);
  });

  it('caps the hits at what the fullest quota has left', () => {
    expect(evaluate(bundle.engine, ana(), NOW, none).thresholds.maxHits).toBe(20);
    const used = new Map([
      [peerKey, 97],
      [anaKey, 5],
    ]);
    expect(evaluate(bundle.engine, ana(), NOW, used).thresholds.maxHits).toBe(3);
    expect(evaluate(bundle.engine, ana(), NOW, new Map([[anaKey, 18]])).thresholds.maxHits).toBe(2);
  });

  it('permits while used < limit and denies QUOTA_EXCEEDED once either is used up', () => {
    expect(evaluate(bundle.engine, ana(), NOW, new Map([[anaKey, 19]])).effect).toBe('permit');
    for (const used of [new Map([[anaKey, 20]]), new Map([[peerKey, 100]])]) {
      expect(evaluate(bundle.engine, ana(), NOW, used)).toMatchObject({
        effect: 'deny',
        reasonCode: 'QUOTA_EXCEEDED',
        ruleIds: ['s'],
      });
    }
  });

  it('counts each requester of a peer apart: A used up, B of the same peer still served', () => {
    const used = new Map([[anaKey, 20]]);
    expect(evaluate(bundle.engine, ana(), NOW, used).reasonCode).toBe('QUOTA_EXCEEDED');
    const bob = evaluate(bundle.engine, ana({ requester: 'officer-bob2' }), NOW, used);
    expect(bob).toMatchObject({ effect: 'permit', thresholds: { maxHits: 20 } });
    expect(bob.quota[1]!.key).toBe(quotaKey('hu-border', 's.records.requester', DAY, 'officer-bob2'));
    // Facts without a requester all share one counter, the stricter reading.
    const { requester: _none, ...anonymous } = ana();
    expect(evaluate(bundle.engine, anonymous, NOW, none).quota[1]!.key).toBe(
      quotaKey('hu-border', 's.records.requester', DAY, ''),
    );
  });

  it('another peer has its own counters; the next window starts afresh', () => {
    const used = new Map([[peerKey, 100]]);
    expect(evaluate(bundle.engine, ana({ peer: 'ro-police' }), NOW, used).effect).toBe('permit');
    expect(evaluate(bundle.engine, ana(), NOW + 86_400_000, used).effect).toBe('permit');
  });

  it('an exhausted records quota passes the query to the next permission in rank', () => {
    const b = bundleOf([
      summaryWith([perPeer]),
      { id: 'hit', effect: 'permit', grant: { maxGranularity: 'exists' } },
    ]);
    expect(evaluate(b.engine, ana(), NOW, new Map([[peerKey, 100]]))).toMatchObject({
      effect: 'permit',
      granted: 'exists',
      ruleIds: ['hit'],
    });
  });

  it.each(['exists', 'count'] as const)(
    'does not cap or count an answer at %s: it releases no record',
    (granularity) => {
      const d = evaluate(bundle.engine, ana({ granularity }), NOW, new Map([[anaKey, 19]]));
      expect(d).toMatchObject({ effect: 'permit', granted: granularity, thresholds: { maxHits: 50 } });
      expect(recordQuotas(d)).toEqual([]);
    },
  );

  it('does not cap a record grant waiting for approval: step 2 counts the record it delivers', () => {
    const b = bundleOf([
      {
        id: 'r',
        effect: 'permit',
        grant: {
          maxGranularity: 'record',
          fields: { '*': 'keep' },
          maxHits: 5,
          quotas: [{ limit: 2, period: 'day', counts: 'records' }],
          duties: { approvalBeforeRecord: true },
        },
      },
    ]);
    const d = evaluate(
      b.engine,
      ana({ granularity: 'record' }),
      NOW,
      new Map([[quotaKey('hu-border', 'r.records.peer', DAY), 1]]),
    );
    expect(d).toMatchObject({ reasonCode: 'APPROVAL_REQUIRED', thresholds: { maxHits: 5 } });
    expect(recordQuotas(d)).toEqual([]);
    expect(d.quota.map((q) => q.counts)).toEqual(['records']);
  });
});

describe('exchange quotas keep their meaning', () => {
  it('`quota` without counts or per counts exchanges per peer, under the rule id and the old key', () => {
    const b = bundleOf([
      {
        id: 'wide',
        effect: 'permit',
        grant: { maxGranularity: 'summary', quota: { limit: 2, period: 'day' } },
      },
    ]);
    const d = evaluate(b.engine, ana(), NOW, none);
    expect(d.quota).toEqual([
      expect.objectContaining({
        key: `hu-border|wide|${DAY}`,
        quotaId: 'wide',
        counts: 'exchanges',
        per: 'peer',
      }),
    ]);
    expect(d.thresholds.maxHits).toBe(50);
    expect(recordQuotas(d)).toEqual([]);
  });

  it('decideQuery threads exchange use across datasets, but not records (the match step takes those)', () => {
    const b = bundleOf([
      {
        id: 'q',
        effect: 'permit',
        when: { datasets: ['persons', 'organisations'] },
        grant: {
          maxGranularity: 'summary',
          fields: { '*': 'keep' },
          quotas: [
            { id: 'x', limit: 1, period: 'day' },
            { id: 'r', limit: 5, period: 'day', counts: 'records' },
          ],
        },
      },
    ]);
    const claims = {
      iss: 'hu-border',
      requester: { id: 'officer-ana1', role: 'analyst' },
      purpose: 'trafficking-investigation',
      legalBasis: 'x',
      subject: { kind: 'person', selectors: { fullName: 'Ion Popescu' } },
      granularity: 'summary',
      datasets: ['persons', 'organisations'],
    } as unknown as QueryClaims;
    expect(decideQuery(b.engine, claims, NOW, none).datasets.map((d) => d.reasonCode)).toEqual([
      'PERMITTED',
      'QUOTA_EXCEEDED',
    ]);
    const recordsOnly = bundleOf([
      {
        id: 'q',
        effect: 'permit',
        when: { datasets: ['persons', 'organisations'] },
        grant: {
          maxGranularity: 'summary',
          fields: { '*': 'keep' },
          quotas: [{ id: 'r', limit: 1, period: 'day', counts: 'records' }],
        },
      },
    ]);
    const out = decideQuery(recordsOnly.engine, claims, NOW, none);
    expect(out.datasets.map((d) => [d.reasonCode, d.thresholds.maxHits])).toEqual([
      ['PERMITTED', 1],
      ['PERMITTED', 1],
    ]);
  });
});

function issues(rules: unknown[]): string[] {
  try {
    bundleOf(rules);
  } catch (err) {
    if (isMosaicError(err)) return err.issues.map((i) => `${i.path} ${i.message}`);
    throw err;
  }
  return [];
}

describe('loading quotas', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown counts', { counts: 'queries' }, '/rules/0/grant/quotas/0/counts must be equal to one of'],
    ['an unknown per', { per: 'officer' }, '/rules/0/grant/quotas/0/per must be equal to one of'],
    ['a misspelt key', { count: 'records' }, '/rules/0/grant/quotas/0/count is not allowed (unknown key)'],
  ])('refuses %s', (_name, extra, message) => {
    expect(issues([summaryWith([{ ...perPeer, ...extra }])]).join('\n')).toContain(message);
  });

  it('refuses `quota` and `quotas` together, and two quotas of one grant under one id', () => {
    expect(issues([summaryWith([perPeer], { quota: { limit: 1, period: 'day' } })])).toEqual([
      '/rules/0/grant/quotas is not allowed with `quota`: list every quota of the grant under `quotas`',
    ]);
    expect(issues([summaryWith([perPeer, { ...perPeer, limit: 5 }])])).toEqual([
      '/rules/0/grant/quotas/1 uses quota id "s.records.peer" like quotas/0: give each quota of the grant its own id',
    ]);
    expect(
      issues([
        summaryWith([
          { id: 'a', ...perPeer },
          { id: 'a', ...perRequester },
        ]),
      ])[0],
    ).toContain('uses quota id "a"');
  });

  it('refuses a shared quota id whose rules disagree on what it counts', () => {
    const msgs = issues([
      summaryWith([{ id: 'shared', ...perPeer }]),
      { ...summaryWith([{ id: 'shared', ...perPeer, per: 'requester' }]), id: 't' },
    ]);
    expect(msgs).toEqual([
      ' rule "t" shares quota "shared" with rule "s" but with another limit, period, counts or per',
    ]);
  });

  it('the order quotas are listed in does not change the digest; what they count does', () => {
    const a = bundleOf([summaryWith([perPeer, perRequester])]);
    const b = bundleOf([summaryWith([perRequester, perPeer])]);
    const c = bundleOf([summaryWith([perPeer, { ...perRequester, per: 'peer', id: 'other' }])]);
    expect(b.digest).toBe(a.digest);
    expect(c.digest).not.toBe(a.digest);
  });
});

describe('explain and policy check say what the quotas allow', () => {
  it('the trace names each quota and its use, and why a permission was skipped', () => {
    const bundle = bundleOf([summaryWith([perPeer, perRequester])]);
    const ok = explain(bundle, ana(), NOW).trace;
    expect(traceText(ok)).toContain(
      'applies and is chosen: grants summary; quota s.records.peer: 0 of 100 records per day used by the peer',
    );
    const used = new Map([[quotaKey('hu-border', 's.records.requester', DAY, 'officer-ana1'), 20]]);
    expect(traceText(explain(bundle, ana(), NOW, used).trace)).toContain(
      'its quota is used up: quota s.records.requester: 20 of 20 records per day used by requester officer-ana1',
    );
  });

  it('warns (without refusing) about summary and record grants no records quota bounds', () => {
    const bundle = bundleOf([
      summaryWith([perPeer, perRequester]),
      { id: 'export', effect: 'permit', grant: { maxGranularity: 'record', fields: { '*': 'keep' } } },
      { ...summaryWith([perRequester]), id: 'officers-only' },
      { ...summaryWith([{ limit: 5, period: 'day' }]), id: 'exchanges-only' },
      { id: 'hit', effect: 'permit', grant: { maxGranularity: 'exists' } },
    ]);
    const warnings = policyWarnings(bundle).map((w) => [w.line, w.message.split(':')[0]]);
    expect(warnings).toEqual([
      [1, 'rule "export" grants record without a records quota'],
      [1, 'rule "officers-only" counts records per requester only'],
      [1, 'rule "exchanges-only" grants summary without a records quota'],
    ]);
  });
});

describe('policy tests (quotaUsed) cover records and requester quotas', () => {
  it('quotaUsed of a per-requester quota is the case requester’s; expect.maxHits checks the cap', () => {
    const dir = writeBundle({
      'rules.yaml': `rules:
  - id: s
    effect: permit
    grant:
      maxGranularity: summary
      fields: { fullName: keep }
      quotas:
        - { limit: 100, period: day, counts: records, per: peer }
        - { limit: 20, period: day, counts: records, per: requester }
`,
      'tests/q.yaml': `cases:
  - name: ana has 3 left
    facts: { peer: hu-border, requester: officer-ana1, purpose: trafficking-investigation, subjectKind: person, granularity: summary, dataset: persons }
    quotaUsed: { s.records.requester: 17, s.records.peer: 40 }
    expect: { effect: permit, maxHits: 3 }
  - name: ana is used up
    facts: { peer: hu-border, requester: officer-ana1, purpose: trafficking-investigation, subjectKind: person, granularity: summary, dataset: persons }
    quotaUsed: { s.records.requester: 20 }
    expect: { effect: deny, reason: QUOTA_EXCEEDED }
  - name: the peer is used up
    facts: { peer: hu-border, requester: officer-bob2, purpose: trafficking-investigation, subjectKind: person, granularity: summary, dataset: persons }
    quotaUsed: { s.records.peer: 100 }
    expect: { effect: deny, reason: QUOTA_EXCEEDED }
  - name: a wrong cap fails
    facts: { peer: hu-border, requester: officer-ana1, purpose: trafficking-investigation, subjectKind: person, granularity: summary, dataset: persons }
    expect: { maxHits: 50 }
`,
    });
    const report = runPolicyTests(dir, demoContext);
    expect(report.cases.map((c) => [c.name, c.passed, c.failures])).toEqual([
      ['ana has 3 left', true, []],
      ['ana is used up', true, []],
      ['the peer is used up', true, []],
      ['a wrong cap fails', false, ['maxHits: expected 50, got 20']],
    ]);
  });
});
