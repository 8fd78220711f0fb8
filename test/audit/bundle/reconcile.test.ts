import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../contracts/index.js';
import { sha256Digest } from '../../../contracts/index.js';
import {
  type AuditLedger,
  exportBundle,
  reconcile,
  verifyBundle,
  verifyReceipt,
} from '../../../audit/index.js';
import { jti, logSigner, open, tempDir, time } from '../helpers.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

interface Node {
  agency: string;
  ledger: AuditLedger;
  signer: ReturnType<typeof logSigner>;
}

function node(dir: string, agency: string): Node {
  const signer = logSigner(`${agency}.example/audit/v1`);
  const ledger = open(dir, signer, { agency }, `${agency}.db`);
  cleanups.push(() => ledger.close());
  return { agency, ledger, signer };
}

/** One exchange, logged on both sides as the gateway would; `lose` drops the response in transit. */
async function exchange(from: Node, to: Node, i: number, opts: { lose?: boolean; officerOnB?: string } = {}) {
  const id = jti();
  const common = { jti: id, purpose: 'trafficking-investigation', caseRef: `CASE-${i}` };
  const queryDigest = sha256Digest(`jws of query ${id}`);
  const query = { queryDigest, subjectKind: 'person', granularity: 'summary' } as const;
  await from.ledger.append({
    kind: 'query-sent',
    direction: 'outbound',
    time: time(i),
    officer: 'officer-1234',
    peer: to.agency,
    ...common,
    ...query,
  });
  await to.ledger.append({
    kind: 'query-received',
    direction: 'inbound',
    time: time(i),
    officer: opts.officerOnB ?? 'officer-1234',
    peer: from.agency,
    ...common,
    ...query,
  });
  const response = {
    queryDigest,
    responseJti: jti(),
    responseDigest: sha256Digest(`jws of response ${id}`),
    releasedDigest: sha256Digest(`released results of ${id}`),
    outcome: 'hit',
    hitCount: 2,
  } as const;
  const sent = await to.ledger.append(
    {
      kind: 'response-sent',
      direction: 'inbound',
      time: time(i),
      officer: 'officer-1234',
      peer: from.agency,
      ...common,
      ...response,
    },
    undefined,
    { checkpoint: true },
  );
  if (opts.lose) return;
  const receipt = { leafIndex: sent.leafIndex, leafHash: sent.leafHash, checkpoint: sent.checkpoint! };
  const check = verifyReceipt(receipt, to.signer);
  const event: AuditEvent = {
    kind: 'response-received',
    direction: 'outbound',
    time: time(i),
    officer: 'officer-1234',
    peer: to.agency,
    ...common,
    ...response,
    receipt,
    receiptVerified: check.ok,
  };
  await from.ledger.append(event);
}

describe('reconciliation of two nodes’ ledgers', () => {
  it('pairs sent and received events by jti and lists what is missing or different on either side', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const a = node(t.dir, 'agency-a');
    const b = node(t.dir, 'agency-b');
    await exchange(a, b, 1);
    await exchange(b, a, 2);
    await exchange(a, b, 3, { lose: true });
    await exchange(a, b, 4, { officerOnB: 'officer-9999' });
    await exchange(a, b, 5);
    a.ledger.checkpointNow();
    b.ledger.checkpointNow();
    const bundleA = exportBundle(a.ledger);
    const bundleB = exportBundle(b.ledger);
    expect(verifyBundle(bundleA, { logKey: a.signer }).ok).toBe(true);
    expect(verifyBundle(bundleB, { logKey: b.signer }).ok).toBe(true);

    const result = reconcile(bundleA, bundleB);
    const lost = result.issues.filter((i) => i.problem === 'missing');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ side: 'A' });
    expect(lost[0]!.message).toMatch(
      /^jti \S+: B \(agency-b\) logged response-sent at leaf \d+ but A \(agency-a\) has no response-received \(response lost in transit\?\)$/,
    );
    const different = result.issues.filter((i) => i.problem === 'different');
    expect(different).toHaveLength(1);
    expect(different[0]!.message).toMatch(/differ in officer$/);
    // 5 query pairs (one differs) + 4 delivered responses.
    expect(result.matched).toBe(4 + 4);
  });

  it('reports a received event the other side never logged as sent', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const a = node(t.dir, 'agency-a');
    const b = node(t.dir, 'agency-b');
    await exchange(a, b, 1);
    await b.ledger.append({
      kind: 'query-received',
      direction: 'inbound',
      time: time(9),
      officer: 'officer-1234',
      peer: 'agency-a',
      jti: 'forged-jti-000000000000',
      purpose: 'trafficking-investigation',
      caseRef: 'CASE-9',
      queryDigest: sha256Digest('?'),
      subjectKind: 'phone',
      granularity: 'exists',
    });
    a.ledger.checkpointNow();
    b.ledger.checkpointNow();
    const result = reconcile(exportBundle(a.ledger), exportBundle(b.ledger));
    expect(result.issues).toEqual([
      expect.objectContaining({
        id: 'forged-jti-000000000000',
        problem: 'missing',
        side: 'A',
        message: expect.stringMatching(
          /B \(agency-b\) logged query-received .* A \(agency-a\) has no query-sent$/,
        ),
      }),
    ]);
  });
});
