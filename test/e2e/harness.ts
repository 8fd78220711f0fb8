import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeConfig } from '../../contracts/index.js';
import { main } from '../../gateway/cli/main.js';
import { loadNodeConfig } from '../../gateway/config/load.js';
import { silentLogger } from '../../gateway/log.js';
import { MosaicNode, type NodeDeps } from '../../gateway/node/node.js';

export const PASSPHRASE = 'correct horse battery staple';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Run the real CLI entry point in process, capturing its output. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}, now = Date.now): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { MOSAIC_PASSPHRASE: PASSPHRASE, ...env },
    now,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * Give a federation node a records database and a policy bundle from a fixture folder holding `policies/`,
 * `persons.csv` and `persons.mapping.yaml`: copies the policies into the node, points its mosaic.yaml at them
 * and at data/records.db, and imports the persons as dataset `persons` through the real CLI.
 */
export async function provisionPersons(fed: Federation, id: string, fixtures: string): Promise<CliResult> {
  const dir = fed.nodeDirs.get(id);
  if (dir === undefined) throw new Error(`no node ${id} in the federation`);
  cpSync(join(fixtures, 'policies'), join(dir, 'policies'), { recursive: true });
  const config = join(dir, 'mosaic.yaml');
  writeFileSync(
    config,
    `${readFileSync(config, 'utf8')}data: { path: data/records.db }\npolicies: { dir: policies }\n`,
  );
  return cli([
    'import',
    join(fixtures, 'persons.csv'),
    '--config',
    config,
    '--dataset',
    'persons',
    '--mapping',
    join(fixtures, 'persons.mapping.yaml'),
  ]);
}

export async function cliOk(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const r = await cli(args, env);
  if (r.code !== 0) throw new Error(`mosaic ${args.join(' ')} failed (${r.code}): ${r.err}`);
  return r.out;
}

export interface AgencySpec {
  id: string;
  country: string;
  groups?: string[];
  alg?: 'ES256' | 'EdDSA';
}

export interface Federation {
  root: string;
  fedDir: string;
  nodeDirs: Map<string, string>;
  cleanup(): void;
}

/** Create a federation and node directories with the CLI, exactly as an operator would. */
export async function createFederation(agencies: AgencySpec[], name = 'test-fed'): Promise<Federation> {
  const root = mkdtempSync(join(tmpdir(), 'mosaic-e2e-'));
  const fedDir = join(root, 'authority');
  await cliOk([
    'federation',
    'init',
    '--dir',
    fedDir,
    '--name',
    name,
    '--purposes',
    'trafficking-investigation,victim-protection,financial-intelligence',
  ]);
  const nodeDirs = new Map<string, string>();
  for (const a of agencies) {
    const dir = join(root, a.id);
    await cliOk([
      'node',
      'init',
      '--dir',
      dir,
      '--agency',
      a.id,
      '--country',
      a.country,
      '--endpoint',
      'https://127.0.0.1:1',
      '--trust-list',
      join(fedDir, 'trust-list.jws'),
      ...(a.alg ? ['--alg', a.alg] : []),
    ]);
    await cliOk([
      'federation',
      'admit',
      '--dir',
      fedDir,
      '--request',
      join(dir, 'membership-request.json'),
      '--out',
      dir,
      ...(a.groups ? ['--groups', a.groups.join(',')] : []),
    ]);
    nodeDirs.set(a.id, dir);
  }
  return { root, fedDir, nodeDirs, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A clock tests can move: `clock.skew` milliseconds are added to real time. */
export function movableClock(): { (): number; skew: number } {
  const clock = (() => Date.now() + clock.skew) as { (): number; skew: number };
  clock.skew = 0;
  return clock;
}

export function configFor(fed: Federation, id: string): NodeConfig {
  const c = loadNodeConfig(join(fed.nodeDirs.get(id)!, 'mosaic.yaml'));
  return { ...c, listen: { peer: { host: '127.0.0.1', port: 0 }, api: { host: '127.0.0.1', port: 0 } } };
}

/**
 * Start nodes in process on OS-picked ports, then publish their real endpoints in the trust list and have
 * every node load it.
 */
export async function startNodes(
  fed: Federation,
  deps: (id: string) => NodeDeps = () => ({}),
  configure: (id: string, config: NodeConfig) => NodeConfig = (_id, c) => c,
): Promise<Map<string, MosaicNode>> {
  const nodes = new Map<string, MosaicNode>();
  for (const id of fed.nodeDirs.keys()) {
    nodes.set(
      id,
      await MosaicNode.start(configure(id, configFor(fed, id)), { logger: silentLogger, ...deps(id) }),
    );
  }
  for (const [id, node] of nodes) {
    await cliOk([
      'federation',
      'update-member',
      '--dir',
      fed.fedDir,
      '--agency',
      id,
      '--endpoint',
      node.peerUrl,
    ]);
  }
  await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
  for (const node of nodes.values()) await node.reloadTrustList();
  return nodes;
}

export async function stopNodes(nodes: Map<string, MosaicNode>): Promise<void> {
  await Promise.all([...nodes.values()].map((n) => n.stop()));
}
