import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AuditBundle,
  exportBundle,
  openLedger,
  reconcile,
  verifyBundle,
  verifyLedger,
} from '../../../audit/index.js';
import { MosaicError } from '../../../contracts/index.js';
import { loadNodeConfig } from '../../config/load.js';
import { readAnchors } from '../../federation/authority.js';
import { loadPrivateKey, readRequiredFile } from '../../keys/files.js';
import { logOrigin, logSigner } from '../../ledger/keys.js';
import { verifyTrustList } from '../../trust/trust-list.js';
import { type Command, int, optStr, str } from '../command.js';

function readBundle(path: string): AuditBundle {
  try {
    return JSON.parse(readRequiredFile(path)) as AuditBundle;
  } catch (err) {
    if (err instanceof MosaicError) throw err;
    throw new MosaicError('MOSAIC_ERR_AUDIT_BUNDLE_INVALID', { detail: `${path} is not JSON`, cause: err });
  }
}

/** Open a node's ledger read-only, from its configuration (the running node may keep writing). */
function openNodeLedger(configPath: string, now: () => number) {
  const config = loadNodeConfig(configPath);
  return openLedger({
    path: join(config.dataDir, 'audit.db'),
    origin: logOrigin(config.agency.id),
    logSigner: logSigner(config.agency.id, loadPrivateKey(config.audit.logKey)),
    agency: config.agency.id,
    clock: now,
    readonly: true,
  });
}

export const auditVerify: Command = {
  path: ['audit', 'verify'],
  positionals: [],
  summary:
    "Verify an exported audit bundle offline with only public keys (--bundle), or re-hash a node's whole " +
    'local ledger (--config). Says exactly what failed; exit 1 on any failure.',
  options: {
    bundle: { type: 'string', description: 'the bundle (JSON) to verify' },
    'log-key': { type: 'string', description: "the node's log verifier key (C2SP vkey text)" },
    'witness-key': {
      type: 'string',
      multiple: true,
      description: 'a witness verifier key to count cosignatures from (repeatable)',
    },
    'trust-list': { type: 'string', description: 'or take the keys from this signed trust list…' },
    anchors: { type: 'string', description: '…verified with these authority anchors' },
    agency: { type: 'string', description: 'the agency whose bundle it is (with --trust-list)' },
    'min-cosignatures': {
      type: 'string',
      description: 'require this many witness cosignatures on the latest checkpoint',
    },
    config: {
      type: 'string',
      description: "instead of a bundle: re-hash the local ledger of this node's mosaic.yaml",
    },
  },
  async run(args, io) {
    const config = optStr(args, 'config');
    if (config !== undefined) {
      const ledger = openNodeLedger(config, io.now);
      try {
        const r = await verifyLedger(ledger);
        io.out(
          `${r.ok ? 'OK' : 'FAILED'}: ${r.entries} entries, ${r.checkpoints} checkpoints, ${r.purgedBodies} purged bodies`,
        );
        for (const f of r.failures) io.out(`  ${f}`);
        return r.ok ? 0 : 1;
      } finally {
        ledger.close();
      }
    }
    const bundle = readBundle(str(args, 'bundle'));
    let logKey = optStr(args, 'log-key');
    const raw = args.values['witness-key'];
    let witnessKeys = (Array.isArray(raw) ? raw : []) as string[];
    const trustListPath = optStr(args, 'trust-list');
    if (trustListPath !== undefined) {
      const list = verifyTrustList(readRequiredFile(trustListPath), readAnchors(str(args, 'anchors')));
      const agency = str(args, 'agency');
      const member = list.members.find((m) => m.agencyId === agency);
      if (!member?.logKey) throw new MosaicError('MOSAIC_ERR_TRUST_UNKNOWN_AGENCY', { detail: agency });
      logKey = member.logKey;
      witnessKeys = list.members.flatMap((m) =>
        m.witnessKey && m.agencyId !== agency ? [m.witnessKey] : [],
      );
    }
    if (logKey === undefined) {
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', {
        detail: 'give --log-key, or --trust-list with --anchors and --agency',
      });
    }
    const r = verifyBundle(bundle, {
      logKey,
      witnessKeys,
      minCosignatures: int(args, 'min-cosignatures', 0, 0, 100),
    });
    io.out(
      `${r.ok ? 'OK' : 'FAILED'}: ${r.entriesChecked} entries, ${r.checkpointsChecked} checkpoints, tree size ${r.treeSize}`,
    );
    for (const f of r.failures) io.out(`  FAIL ${f}`);
    for (const n of r.notes) io.out(`  note ${n}`);
    return r.ok ? 0 : 1;
  },
};

export const auditExport: Command = {
  path: ['audit', 'export'],
  summary:
    "Export a verifiable bundle from a node's ledger (read-only): events in range with proofs, checkpoints, keys.",
  options: {
    config: { type: 'string', description: "the node's mosaic.yaml", required: true },
    from: { type: 'string', description: 'inclusive start (ISO date or instant)' },
    to: { type: 'string', description: 'exclusive end (ISO date or instant)' },
    out: { type: 'string', description: 'file to write the bundle to', required: true },
  },
  async run(args, io) {
    const ledger = openNodeLedger(str(args, 'config'), io.now);
    try {
      const from = optStr(args, 'from');
      const to = optStr(args, 'to');
      const bundle = exportBundle(ledger, { ...(from ? { from } : {}), ...(to ? { to } : {}) });
      writeFileSync(str(args, 'out'), `${JSON.stringify(bundle)}\n`);
      const covered = ledger.latestCheckpoint()?.size ?? 0;
      io.out(
        `wrote ${bundle.entries.length} entries, ${bundle.checkpoints.length} checkpoints to ${str(args, 'out')} (tree size ${covered})`,
      );
      // The offline export covers the latest checkpoint the node signed; newer entries wait for the next one.
      const newer = ledger.size - covered;
      if (newer > 0)
        io.err(
          `note: ${newer} newer entr${newer === 1 ? 'y is' : 'ies are'} not covered by a signed checkpoint yet; export through the API (which signs one first) or again after the node's next checkpoint`,
        );
      return 0;
    } finally {
      ledger.close();
    }
  },
};

export const auditReconcile: Command = {
  path: ['audit', 'reconcile'],
  positionals: ['A.json', 'B.json'],
  summary:
    "Pair one node's sent events with the other's received events (and back) by query id; list anything " +
    'missing or different on either side. Verify both bundles first. Exit 1 when anything is unpaired.',
  options: {},
  async run(args, io) {
    const [a, b] = args.positionals as [string, string];
    const r = reconcile(readBundle(a), readBundle(b));
    io.out(`${r.matched} exchanges agree; ${r.issues.length} issue(s)`);
    for (const i of r.issues) io.out(`  ${i.problem.toUpperCase()} (${i.side}) ${i.message}`);
    return r.issues.length === 0 ? 0 : 1;
  },
};

export const auditPurge: Command = {
  path: ['audit', 'purge'],
  summary:
    "Drop the bodies (personal data) of ledger events recorded before a date, through the node's API " +
    '(role admin, token in $MOSAIC_TOKEN). The tree stays verifiable and the purge is itself logged.',
  options: {
    api: { type: 'string', description: 'the node API base URL', required: true },
    before: {
      type: 'string',
      description: 'ISO date or instant: bodies recorded before it are dropped',
      required: true,
    },
  },
  async run(args, io) {
    const token = io.env['MOSAIC_TOKEN'];
    if (!token)
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: 'set MOSAIC_TOKEN to an admin token' });
    const res = await fetch(`${str(args, 'api').replace(/\/$/, '')}/api/v1/audit/purge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ before: str(args, 'before') }),
    });
    const body = (await res.json()) as { purged?: number; code?: string };
    if (res.status !== 200) {
      io.err(`error: ${body.code ?? res.status}`);
      return 1;
    }
    io.out(`purged ${body.purged} event bodies recorded before ${str(args, 'before')}`);
    return 0;
  },
};
