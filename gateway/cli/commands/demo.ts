import { resolve } from 'node:path';
import {
  createDemo,
  DEMO_AGENCIES,
  demoTokens,
  readDemoManifest,
  resetDemo,
  startDemo,
} from '../../demo/federation.js';
import { createLogger } from '../../log.js';
import type { MosaicNode } from '../../node/node.js';
import { type Command, int, optStr } from '../command.js';

const dirOption = {
  dir: { type: 'string', description: 'demo data directory (default ./.mosaic-demo)' },
} as const;

/** Persons per agency on first start: large enough to make matching earn its keep, small enough to start fast. */
const DEFAULT_PERSONS = 20_000;
const DEFAULT_SEED = 2026;

export const demoStart: Command = {
  path: ['demo', 'start'],
  summary:
    'Create (once) and run a demo federation of four agencies with policies and synthetic data; Ctrl-C stops every node.',
  options: {
    ...dirOption,
    'port-base': { type: 'string', description: 'first peer port (default 18441; 0 lets the OS pick)' },
    persons: {
      type: 'string',
      description: `persons per agency when the demo is created (default ${DEFAULT_PERSONS})`,
    },
    seed: { type: 'string', description: `seed of the data generator (default ${DEFAULT_SEED})` },
  },
  async run(args, io) {
    const dir = resolve(optStr(args, 'dir') ?? '.mosaic-demo');
    const portBase = int(args, 'port-base', 18441, 0, 65000);
    const data = {
      persons: int(args, 'persons', DEFAULT_PERSONS, 100, 1_000_000),
      seed: int(args, 'seed', DEFAULT_SEED, 0, 2 ** 31 - 1),
    };
    const t0 = performance.now();
    const before = readDemoManifest(dir);
    if (before === undefined)
      io.out(`creating the demo federation in ${dir} (${data.persons} persons per agency)…`);
    const { created } = createDemo({ dir, portBase, now: io.now, data });
    const manifest = readDemoManifest(dir);
    io.out(
      created
        ? `created the demo federation in ${dir} in ${Math.round(performance.now() - t0)} ms`
        : `found the demo federation in ${dir}`,
    );
    if (!manifest?.data) {
      io.out(
        '  this directory holds a demo without data or policies; `mosaic demo reset` starts over with them',
      );
    } else if (!created) {
      io.out(
        `  ${manifest.data.persons} persons per agency, seed ${manifest.data.seed}, created ${manifest.createdAt}`,
      );
    }
    const logger = createLogger({ level: 'warn' });
    const nodes = await startDemo({ dir, portBase, now: io.now }, logger);
    io.out('');
    io.out(
      `${'agency'.padEnd(12)} ${'country'.padEnd(8)} ${'console and API'.padEnd(26)} peer listener (mTLS)`,
    );
    for (const n of nodes) {
      io.out(
        `${n.config.agency.id.padEnd(12)} ${n.config.agency.country.padEnd(8)} ${n.apiUrl.padEnd(26)} ${n.peerUrl}`,
      );
    }
    io.out('');
    await describeNodes(nodes, io.out);
    io.out('');
    const tokens = demoTokens(dir, nodes, new Date(io.now()));
    io.out(`sign-in tokens (open an agency's URL in a browser; also in ${dir}/tokens.json):`);
    for (const n of nodes) {
      const t = tokens[n.config.agency.id] ?? {};
      io.out(`  ${n.config.agency.id}`);
      for (const role of ['analyst', 'disclosure-officer', 'auditor', 'admin']) {
        io.out(`    ${role.padEnd(19)} ${t[role]}`);
      }
    }
    io.out('');
    io.out('walkthrough: docs/walkthrough.md (the case RO-2026-0117, step by step)');
    io.out(`ready in ${Math.round(performance.now() - t0)} ms. Ctrl-C stops every node.`);
    await new Promise<void>((done) => {
      const stop = () => {
        io.out('stopping…');
        Promise.all(nodes.map((n) => n.stop())).then(() => done());
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    io.out('all nodes stopped.');
    return 0;
  },
};

/** What each node holds and which bundle decides for it, so the operator sees the demo is populated. */
async function describeNodes(nodes: readonly MosaicNode[], out: (l: string) => void): Promise<void> {
  for (const n of nodes) {
    const datasets = n.connector ? (await n.connector.describe()).datasets : [];
    const bundle = n.policies?.current();
    const ready = n.readiness();
    out(
      `  ${n.config.agency.id.padEnd(10)} ${
        datasets.map((d) => `${d.name} ${d.records}`).join(', ') || 'no data'
      }; policy ${bundle ? `${bundle.version} ${bundle.digest.slice(0, 19)}…` : 'none (denies everything)'}${
        ready.ready ? '' : `; NOT READY: ${ready.reasons.join(', ')}`
      }`,
    );
  }
}

export const demoReset: Command = {
  path: ['demo', 'reset'],
  summary: 'Delete the demo federation so the next start creates it anew.',
  options: dirOption,
  async run(args, io) {
    const dir = resolve(optStr(args, 'dir') ?? '.mosaic-demo');
    resetDemo(dir);
    io.out(`removed ${dir} (${DEMO_AGENCIES.length} demo agencies)`);
    return 0;
  },
};
