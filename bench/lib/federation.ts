/** Builds a throw-away federation for benchmarks with the same library calls the CLI makes. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  admitMember,
  FED_FILES,
  initFederation,
  publishTrustList,
  updateMember,
} from '../../gateway/federation/authority.js';
import { writePublicFile } from '../../gateway/keys/files.js';
import { initNode, NODE_FILES } from '../../gateway/node/init.js';

const PASSPHRASE = 'bench-passphrase';

export interface BenchFederation {
  root: string;
  fedDir: string;
  nodeDir(id: string): string;
  setEndpoint(id: string, endpoint: string): void;
  publish(): void;
  cleanup(): void;
}

export function createBenchFederation(agencies: readonly string[]): BenchFederation {
  const root = mkdtempSync(join(tmpdir(), 'mosaic-bench-'));
  const fedDir = join(root, 'authority');
  const now = new Date();
  initFederation({
    dir: fedDir,
    federation: 'bench',
    passphrase: PASSPHRASE,
    purposes: ['trafficking-investigation'],
    now,
  });
  for (const id of agencies) {
    const dir = join(root, id);
    const request = initNode({
      dir,
      agencyId: id,
      name: id,
      country: 'EU',
      endpoint: 'https://127.0.0.1:1',
      trustListSource: join(fedDir, FED_FILES.trustList),
      peerPort: 0,
      apiPort: 0,
    });
    const { certPem, caPem } = admitMember({ dir: fedDir, request, passphrase: PASSPHRASE, groups: [], now });
    writePublicFile(join(dir, NODE_FILES.cert), certPem, true);
    writePublicFile(join(dir, NODE_FILES.ca), caPem, true);
    writePublicFile(
      join(dir, NODE_FILES.anchors),
      readFileSync(join(fedDir, FED_FILES.anchors), 'utf8'),
      true,
    );
  }
  const fed: BenchFederation = {
    root,
    fedDir,
    nodeDir: (id) => join(root, id),
    setEndpoint: (id, endpoint) => {
      updateMember(fedDir, id, (m) => ({ ...m, endpoint }));
    },
    publish: () => {
      publishTrustList({ dir: fedDir, passphrase: PASSPHRASE, now: new Date(), validDays: 1 });
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  fed.publish();
  return fed;
}
