import { MosaicError } from '../../../contracts/index.js';
import { type Command, int, list, optStr, str } from '../command.js';

/**
 * `mosaic search`: a client of the node's API, exactly what the console does: POST /api/v1/searches, then
 * follow /events and print each peer's status as it arrives.
 */
export const search: Command = {
  path: ['search'],
  summary: "Run a federated search through a node's API and print each peer's answer as it arrives.",
  options: {
    api: { type: 'string', description: 'the node API base URL, e.g. http://127.0.0.1:8080', required: true },
    kind: {
      type: 'string',
      description: 'person | phone | email | document | account | vehicle | address | organisation',
      required: true,
    },
    selector: {
      type: 'string',
      multiple: true,
      description: 'name=value, repeatable (e.g. fullName="Ionut Popescu", birthDate=1988-03)',
    },
    purpose: { type: 'string', description: 'a purpose from the federation vocabulary', required: true },
    'legal-basis': { type: 'string', description: 'the legal basis of the request', required: true },
    case: { type: 'string', description: 'case reference', required: true },
    granularity: { type: 'string', description: 'exists (default) | count | summary | record' },
    peers: { type: 'string', description: 'comma-separated agency ids (default: every member)' },
    groups: { type: 'string', description: 'comma-separated groups' },
    deadline: { type: 'string', description: 'global deadline in ms (default 10000)' },
    json: { type: 'boolean', description: 'print the final search state as JSON' },
  },
  async run(args, io) {
    const token = io.env['MOSAIC_TOKEN'];
    if (!token)
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: 'set MOSAIC_TOKEN to your API token' });
    const selectors: Record<string, string> = {};
    const raw = args.values['selector'];
    for (const s of (Array.isArray(raw) ? raw : []) as string[]) {
      const i = s.indexOf('=');
      if (i <= 0)
        throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: `--selector ${s}: expected name=value` });
      selectors[s.slice(0, i)] = s.slice(i + 1);
    }
    const peers = list(args, 'peers');
    const groups = list(args, 'groups');
    const body = {
      subject: { kind: str(args, 'kind'), selectors },
      purpose: str(args, 'purpose'),
      legalBasis: str(args, 'legal-basis'),
      caseRef: str(args, 'case'),
      granularity: optStr(args, 'granularity') ?? 'exists',
      deadlineMs: int(args, 'deadline', 10_000, 100, 60_000),
      ...(peers.length + groups.length > 0
        ? { targets: { ...(peers.length ? { agencies: peers } : {}), ...(groups.length ? { groups } : {}) } }
        : {}),
    };
    const base = str(args, 'api').replace(/\/$/, '');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const started = await fetch(`${base}/api/v1/searches`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const state = (await started.json()) as {
      id?: string;
      code?: string;
      issues?: { path: string; message: string }[];
    };
    if (started.status !== 202 || !state.id) {
      io.err(`error: ${state.code ?? started.status}`);
      for (const i of state.issues ?? []) io.err(`  ${i.path}: ${i.message}`);
      return 1;
    }
    if (!args.values['json']) io.out(`search ${state.id}`);
    const events = await fetch(`${base}/api/v1/searches/${state.id}/events`, { headers });
    const text = await events.text();
    for (const m of text.matchAll(/event: (\w+)\ndata: (.*)\n/g)) {
      const data = JSON.parse(m[2]!) as Record<string, unknown>;
      if (args.values['json']) continue;
      if (m[1] === 'peer') {
        const extra = [data['reasonCode'], data['code'], data['granted']].filter(Boolean).join(' ');
        io.out(`  ${String(data['agency']).padEnd(16)} ${String(data['status']).padEnd(12)} ${extra}`);
      } else {
        io.out(`${data['status']}${data['partial'] ? ' (partial)' : ''}`);
      }
    }
    if (args.values['json']) {
      const final = await fetch(`${base}/api/v1/searches/${state.id}`, { headers });
      io.out(JSON.stringify(await final.json(), null, 2));
    }
    return 0;
  },
};
