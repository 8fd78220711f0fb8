import { describe, expect, it } from 'vitest';
import { prepareEntry } from '../../../audit/store/index.js';
import {
  AUDIT_EVENT_KINDS,
  type AuditEvent,
  canonicalize,
  isMosaicError,
  sha256Digest,
} from '../../../contracts/index.js';

const exchange = {
  time: '2026-03-01T10:00:00.123Z',
  officer: 'officer-7f3a',
  jti: 'AbCdEfGhIjKlMnOpQrStUv',
  peer: 'agency-b',
  purpose: 'trafficking-investigation',
  caseRef: 'FR/2026/0042',
} as const;
const d = sha256Digest('x');

/** One valid sample per kind: the TypeScript types and the closed schema must agree on each. */
const SAMPLES: AuditEvent[] = [
  {
    ...exchange,
    kind: 'query-sent',
    direction: 'outbound',
    queryDigest: d,
    subjectKind: 'phone',
    granularity: 'count',
  },
  {
    ...exchange,
    kind: 'query-received',
    direction: 'inbound',
    queryDigest: d,
    subjectKind: 'person',
    granularity: 'exists',
    datasets: ['cases'],
  },
  {
    ...exchange,
    kind: 'decision',
    direction: 'inbound',
    dataset: 'cases',
    effect: 'deny',
    reasonCode: 'NO_MATCHING_RULE',
    ruleIds: [],
    policyDigest: d,
    granted: null,
  },
  {
    ...exchange,
    kind: 'response-sent',
    direction: 'inbound',
    queryDigest: d,
    responseJti: 'ZyXwVuTsRqPoNmLkJiHgFe',
    responseDigest: d,
    releasedDigest: d,
    outcome: 'no-hit',
    hitCount: 0,
    granted: 'exists',
  },
  {
    ...exchange,
    kind: 'response-received',
    direction: 'outbound',
    queryDigest: d,
    responseJti: 'ZyXwVuTsRqPoNmLkJiHgFe',
    responseDigest: d,
    outcome: 'hit',
    hitCount: 3,
    receipt: {
      leafIndex: 7,
      leafHash: 'ab'.repeat(32),
      checkpoint: 'o.example/log\n8\nAAAA\n\n— o.example/log abc=\n',
    },
    receiptVerified: true,
  },
  {
    ...exchange,
    kind: 'disclosure-requested',
    direction: 'outbound',
    disclosureId: 'disc-000000000000001',
    hitRef: 'ref_0123456789abcdef',
  },
  {
    ...exchange,
    kind: 'disclosure-approved',
    direction: 'inbound',
    disclosureId: 'disc-000000000000001',
    hitRef: 'ref_0123456789abcdef',
    ruleIds: ['auto-approve'],
  },
  {
    ...exchange,
    kind: 'disclosure-refused',
    direction: 'inbound',
    disclosureId: 'disc-000000000000001',
    hitRef: 'ref_0123456789abcdef',
    reasonCode: 'NOT_PROPORTIONATE',
  },
  {
    ...exchange,
    kind: 'disclosure-delivered',
    direction: 'inbound',
    disclosureId: 'disc-000000000000001',
    hitRef: 'ref_0123456789abcdef',
    recordDigest: d,
  },
  {
    ...exchange,
    kind: 'disclosure-withdrawn',
    direction: 'inbound',
    disclosureId: 'disc-000000000000001',
    hitRef: 'ref_0123456789abcdef',
    reasonCode: 'RECORD_WITHHELD',
  },
  {
    ...exchange,
    kind: 'disclosure-expired',
    direction: 'local',
    disclosureId: 'disc-000000000000001',
    hitRef: 'ref_0123456789abcdef',
    recordDigest: d,
  },
  {
    time: exchange.time,
    officer: 'system',
    kind: 'rejected',
    direction: 'inbound',
    code: 'MOSAIC_ERR_JWS_BAD_SIGNATURE',
    status: 401,
    step: 'verify-signature',
    messageDigest: d,
  },
  {
    time: exchange.time,
    officer: 'admin-01',
    kind: 'policy-bundle-changed',
    direction: 'local',
    policyDigest: d,
    previousDigest: d,
  },
  {
    time: exchange.time,
    officer: 'admin-01',
    kind: 'trust-list-changed',
    direction: 'local',
    federation: 'eu-ht',
    version: 12,
    trustListDigest: d,
  },
  {
    time: exchange.time,
    officer: 'admin-01',
    kind: 'user-changed',
    direction: 'local',
    userId: 'officer-9a1b',
    action: 'created',
    role: 'analyst',
  },
  {
    time: exchange.time,
    officer: 'admin-01',
    kind: 'key-changed',
    direction: 'local',
    keyKind: 'log',
    action: 'rotated',
    keyId: 'c74f20a3',
  },
  {
    time: exchange.time,
    officer: 'system',
    kind: 'witness-conflict',
    direction: 'local',
    peer: 'agency-c',
    origin: 'c.example/audit/v1',
    size: 42,
    evidenceDigest: d,
  },
  {
    time: exchange.time,
    officer: 'admin-01',
    kind: 'ledger-purged',
    direction: 'local',
    before: '2025-03-01T00:00:00Z',
    purged: 1200,
  },
  {
    time: exchange.time,
    officer: 'system',
    kind: 'peer-enumeration-suspected',
    direction: 'local',
    peer: 'agency-c',
    since: '2025-03-01T10:00:00.000Z',
    queries: 420,
    hitQueries: 380,
    distinctSubjects: 400,
  },
];

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (isMosaicError(err) && err.code === 'MOSAIC_ERR_AUDIT_EVENT_INVALID')
      return err.issues.map((i) => i.path);
    throw err;
  }
  return [];
}

describe('canonical audit events (contracts/schemas/audit-event.ts)', () => {
  it('has one sample per kind', () => {
    expect(new Set(SAMPLES.map((s) => s.kind))).toEqual(new Set(AUDIT_EVENT_KINDS));
  });

  it.each(SAMPLES.map((s) => [s.kind, s] as const))(
    'accepts a %s event and commits its canonical form',
    (_k, event) => {
      const entry = prepareEntry(event);
      expect(entry.committed).toMatchObject({ v: 1, bodyDigest: null });
      expect(entry.leafData).toBe(canonicalize(entry.committed));
    },
  );

  it.each(SAMPLES.map((s) => [s.kind, s] as const))('refuses an unknown key in a %s event', (_k, event) => {
    expect(issuesOf(() => prepareEntry({ ...event, name: 'Jane Doe' } as never))).toContain('/name');
  });

  it.each([
    ['a direction that contradicts the kind', { ...SAMPLES[0]!, direction: 'inbound' }],
    ['a local time without Z', { ...SAMPLES[0]!, time: '2026-03-01T10:00:00' }],
    ['an officer name with a space', { ...SAMPLES[0]!, officer: 'Jane Doe' }],
    ['a raw selector instead of a digest', { ...SAMPLES[0]!, queryDigest: '+33612345678' }],
    ['an unknown kind', { ...SAMPLES[0]!, kind: 'query-forgotten' }],
    [
      'a receipt with extra members',
      { ...SAMPLES[4]!, receipt: { leafIndex: 1, checkpoint: 'x', extra: 1 } },
    ],
  ])('refuses %s', (_n, event) => {
    expect(issuesOf(() => prepareEntry(event as never)).length).toBeGreaterThan(0);
  });

  it('keeps personal data in the salted, purgeable body, never in the leaf', () => {
    const body = { selectors: { fullName: 'Jane Doe', birthDate: '1990' } };
    const a = prepareEntry(SAMPLES[0]!, body);
    const b = prepareEntry(SAMPLES[0]!, body);
    expect(a.leafData).not.toContain('Jane');
    expect(a.bodyText).toContain('Jane Doe');
    expect(a.committed.bodyDigest).toBe(sha256Digest(a.bodyText!));
    // Fresh salt per entry: equal bodies do not give equal digests, so a digest cannot be tested against guesses.
    expect(a.committed.bodyDigest).not.toBe(b.committed.bodyDigest);
  });
});
