import { canonicalDigest, MosaicError } from '../../contracts/index.js';
import { defineRoute, type RouteDef } from '../api/routes.js';
import type { DisclosureDesk } from './owner.js';
import { type InRow, MAX_DELIVERIES, type OwnerStatus } from './owner-store.js';

const STATUSES = ['queued', 'approved', 'refused', 'withdrawn', 'expired', 'all'] as const;

/** `/api/v1/disclosures/inbox`: the disclosure officers' inbox and their decisions. */
export function inboxRoutes(desk: DisclosureDesk): RouteDef[] {
  const textOf = (body: unknown, key: string, required: boolean): string | undefined => {
    const v = (body as Record<string, unknown> | undefined)?.[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.length < (required ? 3 : 0) || v.length > 2000) {
      throw new MosaicError('MOSAIC_ERR_API_VALIDATION', {
        issues: [
          { path: `/${key}`, message: required ? 'is required (3–2000 characters)' : 'must be a string' },
        ],
      });
    }
    return v;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/disclosures/inbox',
      roles: ['disclosure-officer'],
      operationId: 'disclosureInbox',
      summary:
        "Peers' requests for full records, soonest deadline first, with the policy's advice and the exact values an approval releases (`release`); overdue flagged.",
      query: { status: { enum: STATUSES } },
      success: { status: 200, description: 'The inbox.' },
      handler: (req, res) => {
        const status = String(req.query['status'] ?? 'queued') as OwnerStatus | 'all';
        res.json({ items: desk.inbox(status) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/disclosures/inbox/:id/approve',
      roles: ['disclosure-officer'],
      operationId: 'approveDisclosure',
      summary:
        'Approve a queued request: the record is read and the policy run again; the values shown are signed once and released on the next fetch. Refused with MOSAIC_ERR_DISCLOSURE_RECORD_CHANGED when they changed (the inbox then shows the new ones) and MOSAIC_ERR_DISCLOSURE_WITHHELD when the policy now withholds the record.',
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          note: { type: 'string', maxLength: 2000 },
          releaseDigest: {
            type: 'string',
            pattern: '^sha256:[0-9a-f]{64}$',
            description: "The inbox item's `releaseDigest`: approve only if these are still the values.",
          },
        },
      },
      success: { status: 200, description: 'The decided request.' },
      handler: async (req, res) => {
        const digest = (req.body as { releaseDigest?: unknown } | undefined)?.releaseDigest;
        res.json(
          await desk.approve(
            String(req.params['id']),
            req.user!.pseudonym,
            textOf(req.body, 'note', false),
            typeof digest === 'string' ? digest : undefined,
          ),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/disclosures/inbox/:id/refuse',
      roles: ['disclosure-officer'],
      operationId: 'refuseDisclosure',
      summary: 'Refuse a queued request with a reason the requester will see.',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['reason'],
        properties: { reason: { type: 'string', minLength: 3, maxLength: 2000 } },
      },
      success: { status: 200, description: 'The decided request.' },
      handler: async (req, res) => {
        res.json(
          await desk.refuse(String(req.params['id']), req.user!.pseudonym, textOf(req.body, 'reason', true)!),
        );
      },
    }),
  ];
}

/** One request for the officer: the exact values approval releases (`release`) while they are kept. */
export function inboxItem(r: InRow, now: number) {
  const release = r.released === null ? null : (JSON.parse(r.released) as Record<string, string>);
  return {
    id: r.id,
    peer: r.peer,
    caseRef: r.case_ref,
    purpose: r.purpose,
    legalBasis: r.legal_basis,
    justification: r.justification,
    urgency: r.urgency,
    requester: r.requester,
    dataset: r.dataset,
    kind: r.kind,
    status: r.status,
    reasonCode: r.reason_code,
    advice: JSON.parse(r.advice) as Record<string, unknown>,
    releasedFields: Object.keys(release ?? (JSON.parse(r.plan) as object)),
    release,
    ...(release === null ? {} : { releaseDigest: canonicalDigest(release) }),
    deadline: new Date(r.deadline).toISOString(),
    overdue: r.status === 'queued' && r.deadline < now,
    createdAt: new Date(r.created_at).toISOString(),
    ...(r.decided_at === null || r.status === 'queued'
      ? {}
      : { decidedAt: new Date(r.decided_at).toISOString(), decidedBy: r.decided_by }),
    ...(r.note === null ? {} : { note: r.note }),
    delivered: r.deliveries > 0,
    deliveries: r.deliveries,
    maxDeliveries: MAX_DELIVERIES,
    ...(r.ends_at === null ? {} : { deliveryEndsAt: new Date(r.ends_at).toISOString() }),
  };
}
