import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNodeConfig } from '../config/load.js';
import {
  admitMember,
  FED_FILES,
  initFederation,
  publishTrustList,
  updateMember,
} from '../federation/authority.js';
import { writePublicFile, writeSecretFile } from '../keys/files.js';
import type { Logger } from '../log.js';
import { initNode, NODE_FILES } from '../node/init.js';
import { MosaicNode, type NodeDeps } from '../node/node.js';
import { DEMO_DATA_FILE, seedAgency } from './data/seed.js';

/**
 * The demo's fictional agencies: four countries, four kinds of agency, one joint investigation team. The
 * police and the border police, which identify and refer victims in their countries, are also the designated
 * victim-protection bodies: the group the example bundles bind the `victim-protection` purpose to.
 */
export const DEMO_AGENCIES = [
  {
    id: 'ro-police',
    name: 'Romanian Police, Directorate for Trafficking',
    country: 'RO',
    groups: ['jit-danube', 'victim-protection-bodies'],
  },
  {
    id: 'hu-border',
    name: 'Hungarian Border Police',
    country: 'HU',
    groups: ['jit-danube', 'victim-protection-bodies'],
  },
  { id: 'at-labour', name: 'Austrian Labour Inspectorate', country: 'AT', groups: [] },
  { id: 'nl-fiu', name: 'Netherlands Financial Intelligence Unit', country: 'NL', groups: ['jit-danube'] },
] as const;

export const DEMO_PURPOSES = ['trafficking-investigation', 'victim-protection', 'financial-intelligence'];

/** Demo only: the authority passphrase sits next to the keys it protects. Never do this in production. */
const PASSPHRASE_FILE = 'authority/passphrase.txt';

/** The synthetic data and policies of a populated demo (`mosaic demo start` always asks for them). */
export interface DemoDataOptions {
  /** Persons per agency (default 20,000 from the CLI; tests use fewer). */
  readonly persons: number;
  /** Seed of the generator: the same seed gives the same records. */
  readonly seed: number;
}

export interface DemoOptions {
  readonly dir: string;
  /** First peer port; node i listens on base+i (peer) and base+100+i (API). 0 lets the OS pick. */
  readonly portBase: number;
  readonly now: () => number;
  /**
   * Give every node its example policy bundle and its synthetic datasets. Without it the federation is
   * bare: every node is deny-by-default (NO_POLICY), which the console's browser test relies on.
   */
  readonly data?: DemoDataOptions;
}

/** What `demo.json` in the demo directory records about how the demo was created. */
export interface DemoManifest {
  readonly createdAt: string;
  readonly data: DemoDataOptions | null;
}

const MANIFEST = 'demo.json';

/** The package root (where examples/ lives), found from this file whether it runs from source or dist/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new TypeError('package.json not found above gateway/demo');
    dir = up;
  }
  return dir;
}

/** The example policy bundle of a demo agency (examples/policies/<agency>). */
export function exampleBundle(agency: string): string {
  return join(packageRoot(), 'examples', 'policies', agency);
}

export function readDemoManifest(dir: string): DemoManifest | undefined {
  const file = join(resolve(dir), MANIFEST);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoManifest) : undefined;
}

export function demoExists(dir: string): boolean {
  return existsSync(join(dir, 'authority', FED_FILES.trustList));
}

/**
 * Create the demo federation once; a second call finds it and does nothing. The signed trust list is
 * written last, so a creation interrupted half-way (Ctrl-C during the import) is started over next time.
 */
export function createDemo(o: DemoOptions): { created: boolean } {
  const dir = resolve(o.dir);
  if (demoExists(dir)) return { created: false };
  rmSync(dir, { recursive: true, force: true });
  const fedDir = join(dir, 'authority');
  const passphrase = `demo-${randomBytes(18).toString('base64url')}`;
  const now = new Date(o.now());
  initFederation({ dir: fedDir, federation: 'demo-federation', passphrase, purposes: DEMO_PURPOSES, now });
  writeSecretFile(join(dir, PASSPHRASE_FILE), passphrase);
  DEMO_AGENCIES.forEach((a, i) => {
    const nodeDir = join(dir, a.id);
    const peerPort = o.portBase === 0 ? 0 : o.portBase + i;
    const request = initNode({
      dir: nodeDir,
      agencyId: a.id,
      name: a.name,
      country: a.country,
      endpoint: `https://127.0.0.1:${peerPort || 1}`,
      trustListSource: join(fedDir, FED_FILES.trustList),
      peerPort,
      apiPort: o.portBase === 0 ? 0 : o.portBase + 100 + i,
    });
    const { certPem, caPem } = admitMember({ dir: fedDir, request, passphrase, groups: [...a.groups], now });
    writePublicFile(join(nodeDir, NODE_FILES.cert), certPem, true);
    writePublicFile(join(nodeDir, NODE_FILES.ca), caPem, true);
    writePublicFile(
      join(nodeDir, NODE_FILES.anchors),
      readFileSync(join(fedDir, FED_FILES.anchors), 'utf8'),
      true,
    );
    if (o.data) populateNode(nodeDir, a.id, o.data, o.now());
  });
  const manifest: DemoManifest = { createdAt: now.toISOString(), data: o.data ?? null };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  publishTrustList({ dir: fedDir, passphrase, now, validDays: 30 });
  return { created: true };
}

/**
 * Give one node what an operator would: its agency's example policy bundle copied into `policies/`, its
 * synthetic datasets imported into `data/records.db`, and both named in its configuration.
 */
function populateNode(nodeDir: string, agency: string, data: DemoDataOptions, now: number): void {
  cpSync(exampleBundle(agency), join(nodeDir, 'policies'), { recursive: true });
  seedAgency(nodeDir, agency, { persons: data.persons, seed: data.seed, anchor: now });
  appendFileSync(
    join(nodeDir, NODE_FILES.config),
    `data:\n  path: ${DEMO_DATA_FILE}\npolicies:\n  dir: policies\n`,
  );
}

/**
 * Start every demo node in this process. Where a node's real endpoint differs from the trust list (ports
 * picked by the OS, or a list gone stale), the authority re-publishes and every node reloads.
 */
export async function startDemo(
  o: DemoOptions,
  logger: Logger,
  deps: (id: string) => NodeDeps = () => ({}),
): Promise<MosaicNode[]> {
  const dir = resolve(o.dir);
  const fedDir = join(dir, 'authority');
  const nodes: MosaicNode[] = [];
  try {
    for (const a of DEMO_AGENCIES) {
      const config = loadNodeConfig(join(dir, a.id, NODE_FILES.config));
      nodes.push(
        await MosaicNode.start(config, {
          logger: logger.child({ agency: a.id }),
          clock: o.now,
          ...deps(a.id),
        }),
      );
    }
    const passphrase = readFileSync(join(dir, PASSPHRASE_FILE), 'utf8');
    const stale = nodes.some((n) => {
      try {
        return n.trust.member(n.config.agency.id, o.now())?.endpoint !== n.peerUrl;
      } catch {
        return true;
      }
    });
    if (stale) {
      for (const n of nodes) updateMember(fedDir, n.config.agency.id, (m) => ({ ...m, endpoint: n.peerUrl }));
      publishTrustList({ dir: fedDir, passphrase, now: new Date(o.now()), validDays: 30 });
      for (const n of nodes) await n.reloadTrustList();
    }
    return nodes;
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw err;
  }
}

export type DemoTokens = Record<string, Record<string, string>>;

const DEMO_USERS = [
  ['ana', 'analyst'],
  ['dora', 'disclosure-officer'],
  ['aurel', 'auditor'],
  ['adi', 'admin'],
] as const;

/**
 * Demo sign-in tokens: one user per role on every node, created on first start and kept (0600) in
 * `tokens.json` so later starts print the same tokens. Demo only.
 */
export function demoTokens(dir: string, nodes: readonly MosaicNode[], now: Date): DemoTokens {
  const file = join(resolve(dir), 'tokens.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoTokens;
  const tokens: DemoTokens = {};
  for (const n of nodes) {
    const id = n.config.agency.id;
    tokens[id] = {};
    for (const [name, role] of DEMO_USERS) tokens[id][role] = n.users.add(name, role, now).token;
  }
  writeSecretFile(file, `${JSON.stringify(tokens, null, 2)}\n`);
  return tokens;
}

export function resetDemo(dir: string): void {
  rmSync(resolve(dir), { recursive: true, force: true });
}
