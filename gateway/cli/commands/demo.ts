import { resolve } from 'node:path';
import { isMosaicError } from '../../../contracts/index.js';
import { createDemo, DEMO_AGENCIES, demoTokens, resetDemo, startDemo } from '../../demo/federation.js';
import { createLogger } from '../../log.js';
import type { MosaicNode } from '../../node/node.js';
import { type Command, int, optStr } from '../command.js';

const dirOption = {
  dir: { type: 'string', description: 'demo data directory (default ./.mosaic-demo)' },
} as const;

export const demoStart: Command = {
  path: ['demo', 'start'],
  summary:
    'Create (once) and run a demo federation of four agencies on this machine; Ctrl-C stops every node.',
  options: {
    ...dirOption,
    'port-base': { type: 'string', description: 'first peer port (default 18441; 0 lets the OS pick)' },
  },
  async run(args, io) {
    const dir = resolve(optStr(args, 'dir') ?? '.mosaic-demo');
    const portBase = int(args, 'port-base', 18441, 0, 65000);
    const t0 = performance.now();
    const { created } = createDemo({ dir, portBase, now: io.now });
    io.out(`${created ? 'created' : 'found'} the demo federation in ${dir}`);
    const logger = createLogger({ level: 'warn' });
    const nodes = await startDemo({ dir, portBase, now: io.now }, logger);
    io.out('');
    io.out(`${'agency'.padEnd(12)} ${'country'.padEnd(8)} ${'peer listener (mTLS)'.padEnd(28)} API`);
    for (const n of nodes) {
      io.out(
        `${n.config.agency.id.padEnd(12)} ${n.config.agency.country.padEnd(8)} ${n.peerUrl.padEnd(28)} ${n.apiUrl}`,
      );
    }
    io.out('');
    const tokens = demoTokens(dir, nodes, new Date(io.now()));
    io.out(`console: open an API URL in a browser and sign in with a token (also in ${dir}/tokens.json):`);
    for (const n of nodes) {
      const t = tokens[n.config.agency.id] ?? {};
      io.out(`  ${n.config.agency.id.padEnd(12)} analyst ${t['analyst']}`);
      io.out(`  ${''.padEnd(12)} officer ${t['disclosure-officer']}  auditor ${t['auditor']}`);
    }
    io.out('');
    await showExchanges(nodes, io.out);
    io.out('');
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

/** One signed query from every agency to every other, so the operator sees the envelope work end to end. */
async function showExchanges(nodes: MosaicNode[], out: (l: string) => void): Promise<void> {
  out('signed mTLS exchanges (every node is deny-by-default until it has a policy):');
  for (const from of nodes) {
    const statuses: string[] = [];
    for (const to of nodes) {
      if (to === from) continue;
      try {
        const answer = await from.client.query(to.config.agency.id, {
          purpose: 'trafficking-investigation',
          legalBasis: 'demo',
          caseRef: 'DEMO-1',
          requester: { id: 'demo-officer', role: 'analyst' },
          subject: { kind: 'phone', selectors: { number: '+40 721 000 000' } },
          granularity: 'exists',
        });
        statuses.push(
          `${to.config.agency.id}: ${answer.response.decision.effect} (${answer.response.decision.reasonCode})`,
        );
      } catch (err) {
        statuses.push(`${to.config.agency.id}: ${isMosaicError(err) ? err.code : String(err)}`);
      }
    }
    out(`  ${from.config.agency.id} → ${statuses.join(', ')}`);
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
