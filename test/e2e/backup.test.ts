import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../audit/index.js';
import { loadNodeConfig } from '../../gateway/config/load.js';
import { silentLogger } from '../../gateway/log.js';
import { MosaicNode } from '../../gateway/node/node.js';
import type { QueryInput } from '../../gateway/peer/client.js';
import { permitEnvelopeOnly } from '../../gateway/peer/ports.js';
import { cliOk, createFederation, type Federation, startNodes, stopNodes } from './harness.js';

const QUERY: QueryInput = {
  purpose: 'trafficking-investigation',
  legalBasis: 'test',
  caseRef: 'B-1',
  requester: { id: 'officer-1', role: 'analyst' },
  subject: { kind: 'phone', selectors: { number: '+36 1 234 5678' } },
  granularity: 'exists',
  datasets: ['persons'],
};

describe('backup and restore of a node', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  let restored: MosaicNode | undefined;

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO' },
      { id: 'hu-border', country: 'HU' },
    ]);
    nodes = await startNodes(fed, (id) => (id === 'hu-border' ? { decisions: permitEnvelopeOnly } : {}));
  });

  afterAll(async () => {
    await restored?.stop();
    await stopNodes(nodes);
    fed.cleanup();
  });

  it('backs up a running node; the restored node verifies its ledger and carries on', async () => {
    const ro = nodes.get('ro-police')!;
    const hu = nodes.get('hu-border')!;
    for (let i = 0; i < 5; i++) await ro.client.query('hu-border', QUERY);
    hu.ledger.checkpointNow();
    const sizeAtBackup = hu.ledger.size;
    const out = join(fed.root, 'hu-backup');
    const printed = await cliOk([
      'node',
      'backup',
      '--config',
      join(fed.nodeDirs.get('hu-border')!, 'mosaic.yaml'),
      '--out',
      out,
    ]);
    expect(printed).toContain('backed up data/audit.db');
    expect(printed).toContain('backed up data/node.db');

    await hu.stop();
    nodes.delete('hu-border');
    const config = loadNodeConfig(join(out, 'mosaic.yaml'));
    restored = await MosaicNode.start(
      { ...config, listen: { peer: { host: '127.0.0.1', port: 0 }, api: { host: '127.0.0.1', port: 0 } } },
      { logger: silentLogger, decisions: permitEnvelopeOnly },
    );
    expect(restored.ledger.size).toBeGreaterThanOrEqual(sizeAtBackup);
    expect(await verifyLedger(restored.ledger)).toMatchObject({ ok: true, failures: [] });

    // Same keys, same identity: the federation only needs its new address.
    await cliOk([
      'federation',
      'update-member',
      '--dir',
      fed.fedDir,
      '--agency',
      'hu-border',
      '--endpoint',
      restored.peerUrl,
    ]);
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    await ro.reloadTrustList();
    await restored.reloadTrustList();
    const answer = await ro.client.query('hu-border', QUERY);
    expect(answer.response.receipt!.leafIndex).toBeGreaterThanOrEqual(sizeAtBackup);
    expect(await verifyLedger(restored.ledger)).toMatchObject({ ok: true });
  });
});
