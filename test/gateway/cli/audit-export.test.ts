import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../../audit/index.js';
import type { AuditEvent } from '../../../contracts/index.js';
import { loadNodeConfig } from '../../../gateway/config/load.js';
import { loadPrivateKey } from '../../../gateway/keys/files.js';
import { logOrigin, logSigner } from '../../../gateway/ledger/keys.js';
import { cli, createFederation, type Federation } from '../../e2e/harness.js';

/**
 * `mosaic audit export --config` reads a node's ledger offline and exports what the latest signed checkpoint
 * covers. Entries written after it must not vanish silently: the command says how many it left out.
 */
describe('mosaic audit export --config', () => {
  let fed: Federation;
  let config: string;

  beforeAll(async () => {
    fed = await createFederation([{ id: 'ro-police', country: 'RO' }]);
    config = join(fed.nodeDirs.get('ro-police')!, 'mosaic.yaml');
  });
  afterAll(() => fed.cleanup());

  const event = (i: number): AuditEvent =>
    ({
      kind: 'policy-bundle-changed',
      direction: 'local',
      time: new Date(Date.UTC(2026, 10, 29, 10, 0, i)).toISOString(),
      officer: 'system',
      policyDigest: `sha256:${'a'.repeat(63)}${i}`,
    }) as AuditEvent;

  it('says how many entries the latest checkpoint does not cover, and none once it does', async () => {
    const c = loadNodeConfig(config);
    mkdirSync(c.dataDir, { recursive: true });
    const ledger = openLedger({
      path: join(c.dataDir, 'audit.db'),
      origin: logOrigin(c.agency.id),
      logSigner: logSigner(c.agency.id, loadPrivateKey(c.audit.logKey)),
      agency: c.agency.id,
      clock: Date.now,
      checkpointEvery: 1_000_000,
      checkpointIntervalMs: 3_600_000,
    });
    await Promise.all([1, 2, 3].map((i) => ledger.append(event(i))));
    ledger.checkpointNow();
    await Promise.all([4, 5].map((i) => ledger.append(event(i))));
    const out = join(fed.root, 'bundle.json');

    const partial = await cli(['audit', 'export', '--config', config, '--out', out]);
    expect(partial.code, partial.err).toBe(0);
    expect(partial.out).toMatch(/^wrote 3 entries, \d+ checkpoints? to .*\(tree size 3\)$/);
    expect(partial.err).toContain('2 newer entries are not covered by a signed checkpoint yet');
    expect(JSON.parse(readFileSync(out, 'utf8')).entries).toHaveLength(3);

    ledger.checkpointNow();
    ledger.close();
    const full = await cli(['audit', 'export', '--config', config, '--out', out]);
    expect(full.code, full.err).toBe(0);
    expect(full.out).toContain('wrote 5 entries');
    expect(full.out).toContain('(tree size 5)');
    expect(full.err).toBe('');
  });
});
