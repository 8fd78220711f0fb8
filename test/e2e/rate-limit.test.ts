import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MosaicNode } from '../../gateway/node/node.js';
import type { QueryInput } from '../../gateway/peer/client.js';
import { permitEnvelopeOnly } from '../../gateway/peer/ports.js';
import { createFederation, type Federation, startNodes, stopNodes } from './harness.js';

const QUERY: QueryInput = {
  purpose: 'trafficking-investigation',
  legalBasis: 'test',
  caseRef: 'RL-1',
  requester: { id: 'officer-1', role: 'analyst' },
  subject: { kind: 'phone', selectors: { number: '+43 660 1234567' } },
  granularity: 'exists',
};

describe('per-peer rate limit on the peer listener', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO' },
      { id: 'hu-border', country: 'HU' },
      { id: 'at-labour', country: 'AT' },
    ]);
    nodes = await startNodes(
      fed,
      (id) => (id === 'at-labour' ? { decisions: permitEnvelopeOnly } : {}),
      (id, c) =>
        id === 'at-labour' ? { ...c, protocol: { ...c.protocol, rateLimit: { perSecond: 1, burst: 5 } } } : c,
    );
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  it('answers a flooding peer 429 with Retry-After, records none of it, and keeps serving the others', async () => {
    const at = nodes.get('at-labour')!;
    const before = at.ledger.size;
    const statuses: number[] = [];
    let code: string | undefined;
    for (let i = 0; i < 12; i++) {
      const { token } = nodes.get('ro-police')!.client.signQuery('at-labour', QUERY);
      const r = await nodes.get('ro-police')!.client.sendRaw('at-labour', token);
      statuses.push(r.status);
      if (r.status === 429) code = JSON.parse(r.body).code;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(6);
    expect(code).toBe('MOSAIC_ERR_REQUEST_RATE_LIMITED');
    // The other peer has its own bucket.
    const other = await nodes.get('hu-border')!.client.query('at-labour', QUERY);
    expect(other.response.decision.effect).toBe('permit');
    // 5 + 1 answered exchanges were recorded (3 leaves each); the refusals were not.
    expect(at.ledger.size - before).toBe(6 * 3);
    const res = await fetch(`${at.apiUrl}/metrics`);
    expect(await res.text()).toMatch(
      /mosaic_peer_refusals_in_total\{code="MOSAIC_ERR_REQUEST_RATE_LIMITED"\} [6-9]/,
    );
  });
});
