import { createHash } from 'node:crypto';
import {
  type AuditLedger,
  addCheckpoint,
  exportBundle,
  formatAddCheckpoint,
  type ListFilter,
  type NoteSigner,
  type NoteVerifierKey,
  parseVerifierKey,
  purge,
  SplitViewError,
  splitViewDigest,
  verifyLedger,
  WitnessConflictError,
} from '../../audit/index.js';
import { isMosaicError, MosaicError } from '../../contracts/index.js';
import { defineRoute, type RouteDef } from '../api/routes.js';
import type { Logger } from '../log.js';
import type { PeerClient } from '../peer/client.js';
import type { PeerRoute } from '../peer/server.js';
import type { TrustStore } from '../trust/trust-list.js';
import { logOrigin } from './keys.js';
import type { LedgerAudit } from './ledger-audit.js';

export interface LedgerServiceDeps {
  readonly self: string;
  readonly ledger: AuditLedger;
  readonly audit: LedgerAudit;
  readonly witness: NoteSigner;
  readonly trust: TrustStore;
  /** The node's peer client (a getter: the service is built before the client). */
  readonly client: () => PeerClient;
  readonly clock: () => number;
  readonly logger: Logger;
}

/** Per peer: the size it last cosigned, and when. */
interface CosignState {
  size: number;
  at: number;
  error?: string;
}

const ISO = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+Z)?$/;

/**
 * What the node does with its ledger beyond appending: serve inclusion proofs to peers, witness peers'
 * checkpoints (C2SP tlog-witness add-checkpoint), collect peers' cosignatures on its own checkpoints, and the
 * auditor API (list, event with proof, export, verify, checkpoints and witness status, purge).
 */
export class LedgerService {
  readonly #d: LedgerServiceDeps;
  readonly #cosigned = new Map<string, CosignState>();

  constructor(deps: LedgerServiceDeps) {
    this.#d = deps;
  }

  /** Peers' log keys by origin, from the trust list in force. */
  #peerLogs(): Map<string, NoteVerifierKey[]> {
    const logs = new Map<string, NoteVerifierKey[]>();
    for (const m of this.#d.trust.snapshot?.members.values() ?? []) {
      if (m.agencyId === this.#d.self || !m.logKey) continue;
      const key = parseVerifierKey(m.logKey);
      if (key) logs.set(key.name, [key]);
    }
    return logs;
  }

  #agencyOfOrigin(origin: string): string | undefined {
    for (const m of this.#d.trust.snapshot?.members.values() ?? [])
      if (logOrigin(m.agencyId) === origin) return m.agencyId;
    return undefined;
  }

  peerRoutes(): PeerRoute[] {
    const { ledger } = this.#d;
    return [
      {
        name: 'inclusionProof',
        method: 'GET',
        pattern: /^\/fed\/v1\/audit\/proofs\/(\d{1,15})$/,
        handle: ({ params }) => ({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify(ledger.inclusionProof(Number(params[0]))),
        }),
      },
      {
        name: 'addCheckpoint',
        method: 'POST',
        pattern: /^\/fed\/v1\/witness\/add-checkpoint$/,
        handle: async ({ body, now, peer }) => {
          try {
            const lines = addCheckpoint(
              ledger,
              { cosigner: this.#d.witness, logs: this.#peerLogs() },
              body,
              Math.floor(now / 1000),
            );
            return {
              status: 200,
              contentType: 'text/plain; charset=utf-8',
              body: lines.map((l) => `${l}\n`).join(''),
            };
          } catch (err) {
            if (err instanceof WitnessConflictError) {
              // C2SP tlog-witness: 409 with the size this witness holds, so the log can retry from it.
              return { status: 409, contentType: 'text/x.tlog.size', body: `${err.currentSize}\n` };
            }
            if (err instanceof SplitViewError) {
              this.#d.logger.error('split view: a peer showed two histories', {
                peer: peer.agencyId,
                origin: err.evidence.origin,
              });
              await this.#d.audit.admin({
                kind: 'witness-conflict',
                direction: 'local',
                time: new Date(now).toISOString(),
                officer: 'system',
                peer: this.#agencyOfOrigin(err.evidence.origin) ?? peer.agencyId,
                origin: err.evidence.origin,
                size: err.evidence.size,
                evidenceDigest: splitViewDigest(err.evidence),
              });
            }
            throw err;
          }
        },
      },
    ];
  }

  /**
   * Ask every peer with a witness key to cosign our latest checkpoint, sending a consistency proof from the
   * size it last cosigned; on 409 retry once from the size it reports. Returns the cosignatures collected.
   */
  async collectCosignatures(): Promise<number> {
    const { ledger } = this.#d;
    const client = this.#d.client();
    const cp = ledger.checkpointNow();
    let collected = 0;
    const members = [...(this.#d.trust.snapshot?.members.values() ?? [])].filter(
      (m) => m.agencyId !== this.#d.self && m.witnessKey,
    );
    await Promise.all(
      members.map(async (m) => {
        const key = parseVerifierKey(m.witnessKey!);
        if (!key) return;
        const state = this.#cosigned.get(m.agencyId) ?? { size: 0, at: 0 };
        if (state.size === cp.size && !state.error) return;
        try {
          let old = Math.min(state.size, cp.size);
          for (let attempt = 0; attempt < 2; attempt++) {
            const body = formatAddCheckpoint(
              old,
              old === 0 ? [] : ledger.consistencyProof(old, cp.size),
              cp.note,
            );
            const res = await client.postSigned(
              m.agencyId,
              '/fed/v1/witness/add-checkpoint',
              body,
              AbortSignal.timeout(5000),
              'text/plain',
            );
            if (res.status === 409 && attempt === 0) {
              old = Number(res.body.trim());
              if (!Number.isSafeInteger(old) || old < 0 || old > cp.size) throw new Error('bad 409 size');
              continue;
            }
            if (res.status !== 200) throw new Error(`HTTP ${res.status} ${res.body.slice(0, 120)}`);
            for (const line of res.body.split('\n').filter((l) => l.startsWith('— '))) {
              collected += ledger.addCosignature(cp.size, line, key);
            }
            this.#cosigned.set(m.agencyId, { size: cp.size, at: this.#d.clock() });
            return;
          }
        } catch (err) {
          const code = isMosaicError(err) ? err.code : String(err);
          this.#cosigned.set(m.agencyId, { ...state, error: code });
          this.#d.logger.warn('cosignature not collected', { peer: m.agencyId, error: code });
        }
      }),
    );
    return collected;
  }

  /** Witness and checkpoint status, for the auditor API and metrics. */
  status() {
    const { ledger } = this.#d;
    const latest = ledger.latestCheckpoint();
    const now = this.#d.clock();
    return {
      origin: ledger.origin,
      size: ledger.size,
      checkpoint: latest
        ? {
            size: latest.size,
            createdAt: new Date(latest.createdAt).toISOString(),
            ageSeconds: (now - latest.createdAt) / 1000,
            note: latest.note,
          }
        : null,
      cosignedBy: [...this.#cosigned.entries()].map(([peer, s]) => ({
        peer,
        size: s.size,
        at: s.at ? new Date(s.at).toISOString() : null,
        ...(s.error ? { error: s.error } : {}),
      })),
      witnessing: [...this.#peerLogs().keys()].map((origin) => {
        const w = ledger.witnessState(origin);
        return { peer: this.#agencyOfOrigin(origin) ?? null, origin, size: w?.size ?? 0 };
      }),
      splitViews: ledger.splitViews().map((e) => ({
        origin: e.origin,
        peer: this.#agencyOfOrigin(e.origin) ?? null,
        size: e.size,
        evidenceDigest: splitViewDigest(e),
      })),
      corruption: ledger.corruptionDetected,
    };
  }

  apiRoutes(): RouteDef[] {
    const { ledger } = this.#d;
    const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
    const filterOf = (q: Record<string, unknown>): ListFilter => {
      const from = str(q['from']);
      const to = str(q['to']);
      for (const [k, v] of [
        ['from', from],
        ['to', to],
      ] as const) {
        if (v !== undefined && !ISO.test(v)) {
          throw new MosaicError('MOSAIC_ERR_API_VALIDATION', {
            issues: [{ path: `/${k}`, message: 'must be an ISO date or instant' }],
          });
        }
      }
      const limit = str(q['limit']);
      const after = str(q['after']);
      const f: Record<string, unknown> = {
        from,
        to,
        peer: str(q['peer']),
        direction: str(q['direction']),
        decision: str(q['decision']),
        outcome: str(q['outcome']),
        purpose: str(q['purpose']),
        caseRef: str(q['caseRef']),
        officer: str(q['officer']),
        kind: str(q['kind']),
        jti: str(q['jti']),
        limit: limit === undefined ? undefined : Number(limit),
        after: after === undefined ? undefined : Number(after),
      };
      return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as ListFilter;
    };
    const filterQuery = Object.fromEntries(
      [
        'from',
        'to',
        'peer',
        'direction',
        'decision',
        'outcome',
        'purpose',
        'caseRef',
        'officer',
        'kind',
        'jti',
        'limit',
        'after',
      ].map((k) => [k, { type: 'string' }]),
    );
    return [
      defineRoute({
        method: 'get',
        path: '/audit/events',
        roles: ['auditor'],
        operationId: 'listAuditEvents',
        summary:
          'Ledger events, filtered (time range, peer, direction, decision, outcome, purpose, case, officer, kind, jti) and paginated.',
        query: filterQuery,
        success: { status: 200, description: '`{entries, next}`; pass `after=next` for the following page.' },
        handler: (req, res) => {
          res.json(ledger.list(filterOf(req.query as Record<string, unknown>)));
        },
      }),
      defineRoute({
        method: 'get',
        path: '/audit/events/:index',
        roles: ['auditor'],
        operationId: 'getAuditEvent',
        summary:
          'One event with its inclusion proof against the latest checkpoint (and, for responses received, the peer receipt).',
        success: { status: 200, description: '`{entry, proof}`.' },
        handler: (req, res) => {
          const index = Number(req.params['index']);
          const entry = ledger.get(index);
          let proof: unknown = null;
          try {
            proof = ledger.inclusionProof(index);
          } catch (err) {
            if (!isMosaicError(err) || err.code !== 'MOSAIC_ERR_AUDIT_NOT_COVERED') throw err;
          }
          res.json({ entry, proof });
        },
      }),
      defineRoute({
        method: 'get',
        path: '/audit/export',
        roles: ['auditor'],
        operationId: 'exportAuditBundle',
        summary:
          'An offline-verifiable bundle: events in range with inclusion proofs, checkpoints with cosignatures, public keys.',
        query: filterQuery,
        success: { status: 200, description: 'The bundle (verify with `mosaic audit verify`).' },
        handler: (req, res) => {
          ledger.checkpointNow();
          const f = filterOf(req.query as Record<string, unknown>);
          const { from, to, limit: _l, after: _a, ...filter } = f;
          const witnessKeys = [...(this.#d.trust.snapshot?.members.values() ?? [])]
            .map((m) => (m.witnessKey ? parseVerifierKey(m.witnessKey) : null))
            .filter((k): k is NoteVerifierKey => k !== null);
          const bundle = exportBundle(ledger, {
            ...(from ? { from } : {}),
            ...(to ? { to } : {}),
            filter,
            witnessKeys,
          });
          res.setHeader('content-disposition', `attachment; filename="${this.#d.self}-audit.json"`);
          res.json(bundle);
        },
      }),
      defineRoute({
        method: 'get',
        path: '/audit/verify',
        roles: ['auditor'],
        operationId: 'verifyAuditLedger',
        summary: 'Re-hash the whole local ledger and check every checkpoint signature and consistency.',
        success: { status: 200, description: '`{ok, failures, …}`.' },
        handler: async (_req, res) => {
          res.json(await verifyLedger(ledger));
        },
      }),
      defineRoute({
        method: 'get',
        path: '/audit/checkpoints',
        roles: ['auditor', 'admin'],
        operationId: 'auditCheckpointStatus',
        summary:
          'The latest signed checkpoint, which peers cosigned it, which peers this node witnesses, split views.',
        success: { status: 200, description: 'Checkpoint and witness status.' },
        handler: (_req, res) => {
          res.json(this.status());
        },
      }),
      defineRoute({
        method: 'post',
        path: '/audit/purge',
        roles: ['admin'],
        operationId: 'purgeAuditBodies',
        summary: 'Drop event bodies (personal data) recorded before a date; the tree stays verifiable.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['before'],
          properties: { before: { type: 'string', pattern: ISO.source } },
        },
        success: { status: 200, description: '`{purged}`.' },
        handler: async (req, res) => {
          const before = (req.body as { before?: unknown } | undefined)?.before;
          if (typeof before !== 'string' || !ISO.test(before)) {
            throw new MosaicError('MOSAIC_ERR_API_VALIDATION', {
              issues: [{ path: '/before', message: 'must be an ISO date' }],
            });
          }
          const result = purge(ledger, before);
          await this.#d.audit.admin({
            kind: 'ledger-purged',
            direction: 'local',
            time: new Date(this.#d.clock()).toISOString(),
            officer: req.user!.pseudonym,
            before: before.length === 10 ? `${before}T00:00:00Z` : before,
            purged: result.purged,
          });
          res.json(result);
        },
      }),
    ];
  }
}

export function digestOfText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
