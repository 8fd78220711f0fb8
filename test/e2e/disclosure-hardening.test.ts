import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../contracts/index.js';
import type { MosaicNode } from '../../gateway/node/node.js';
import type { PeerIdentity } from '../../gateway/peer/identity.js';
import {
  cliOk,
  createFederation,
  type Federation,
  provisionPersons,
  startNodes,
  stopNodes,
} from './harness.js';

/**
 * Issue 15, findings 1, 6 and 8, on two real nodes (mTLS, real signatures, real SQLite, the real CLI import to
 * change records under a running owner). ro-police's analyst searches hu-border and asks for full records;
 * hu-border's policy releases them after its officer approves (MLA legal basis) or at once (court order,
 * 2 days' retention), and withholds victims' records from anything but victim protection.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'hu-border');
const DAY = 86_400_000;
const MLA = 'MLA request 2026';
const COURT = 'Court order 2026';
const SHARING = `rules:
  - id: jit-summary
    effect: permit
    when:
      groups: [jit-danube]
      purposes: [trafficking-investigation, victim-protection]
      subjectKinds: [person]
      datasets: [persons]
    grant:
      maxGranularity: summary
      fields: { givenName: keep, familyName: keep, birthDate: year-only }
      minScore: 0.5
      maxHits: 5
  - id: victims-only-for-victim-protection
    effect: prohibit
    unless: { purposes: [victim-protection] }
    records: { withFlags: [victim] }
  - id: record-with-approval
    effect: permit
    when:
      groups: [jit-danube]
      purposes: [trafficking-investigation]
      legalBases: [${MLA}]
      datasets: [persons]
    grant:
      maxGranularity: record
      fields: { givenName: keep, familyName: keep, phone: keep, documentNumber: keep }
      quota: { id: mla-records, limit: 100, period: day }
      duties: { approvalBeforeRecord: true, handlingCode: HU-H3, retentionDays: 180 }
  - id: record-on-court-order
    effect: permit
    when:
      groups: [jit-danube]
      purposes: [trafficking-investigation]
      legalBases: [${COURT}]
      datasets: [persons]
    grant:
      maxGranularity: record
      fields: { givenName: keep, familyName: keep, phone: keep }
      duties: { retentionDays: 2 }
`;
const HEADER = 'case_id,first_name,last_name,dob,tel,nationality,victim,recorded_on,doc';
const PERSONS: Record<string, string> = {
  'HU-P-1': 'HU-P-1,Ionuț,Popescu,14/03/1988,+40 721 555 019,RO,,2025-02-10,AB 123456',
  'HU-P-3': 'HU-P-3,Gábor,Kovács,21/11/1975,+36 30 123 4567,HU,,2024-06-15,EF 111222',
  'HU-P-4': 'HU-P-4,Elena,Popa,09/09/1990,+40 733 999 888,RO,,2023-01-20,GH 333444',
  'HU-P-5': 'HU-P-5,Ilie,Dobre,03/04/1980,+40 722 000 501,RO,,2025-01-05,IJ 500501',
  'HU-P-6': 'HU-P-6,Vasile,Munteanu,12/12/1982,+40 722 000 601,RO,,2025-01-06,KL 600601',
  'HU-P-7': 'HU-P-7,Sorin,Barbu,07/07/1977,+40 722 000 701,RO,,2025-01-07,MN 700701',
  'HU-P-8': 'HU-P-8,Radu,Stan,01/02/1984,+40 722 000 801,RO,,2025-01-08,OP 800801',
  'HU-P-9': 'HU-P-9,Dan,Lupu,05/06/1986,+40 722 000 901,RO,,2025-01-09,QR 900901',
  'HU-P-10': 'HU-P-10,Mihai,Toma,11/10/1981,+40 722 001 001,RO,,2025-01-10,ST 100100',
};

type Json = Record<string, any>;

describe('step 2 hardened: frozen release, bounded delivery, no flooding, references kept in their case', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  const tokens: Record<string, string> = {};
  const node = (id: string) => nodes.get(id)!;
  const owner = () => node('hu-border');

  async function api(id: string, token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${node(id).apiUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  /** Change records under the running owner, as its operator would: `mosaic import` of the changed rows. */
  async function reimport(...rows: string[]) {
    const dir = fed.nodeDirs.get('hu-border')!;
    const csv = join(fed.root, `changed-${Date.now()}-${Math.random()}.csv`);
    writeFileSync(csv, `${HEADER}\n${rows.join('\n')}\n`);
    await cliOk([
      'import',
      csv,
      '--config',
      join(dir, 'mosaic.yaml'),
      '--dataset',
      'persons',
      '--mapping',
      join(FIXTURES, 'persons.mapping.yaml'),
    ]);
  }

  /** A summary search of hu-border in `caseRef`; the hit's reference. */
  async function refFor(caseRef: string, fullName: string, legalBasis = MLA): Promise<string> {
    const started = await api('ro-police', tokens['analyst']!, 'POST', '/searches', {
      subject: { kind: 'person', selectors: { fullName } },
      purpose: 'trafficking-investigation',
      legalBasis,
      caseRef,
      granularity: 'summary',
      targets: { agencies: ['hu-border'] },
    });
    expect(started.status).toBe(202);
    const done = await node('ro-police').searches.settle(started.body['id']);
    const ref = done.peers[0]?.results?.[0]?.hits?.[0]?.ref;
    expect(ref, JSON.stringify(done.peers)).toBeDefined();
    return ref!;
  }

  function ask(ref: string, caseRef: string, extra: Json = {}) {
    return api('ro-police', tokens['analyst']!, 'POST', '/disclosures', {
      peer: 'hu-border',
      ref,
      caseRef,
      purpose: 'trafficking-investigation',
      legalBasis: MLA,
      justification: 'Identity needed for the arrest warrant.',
      urgency: 'urgent',
      ...extra,
    });
  }

  /** The owner's id of a request, from the signed reply the requester keeps. */
  const ownerId = (view: Json): string =>
    JSON.parse(Buffer.from(String(view['signedReply']).split('.')[1]!, 'base64url').toString())['id'];

  const inboxItem = async (id: string) =>
    (
      (await api('hu-border', tokens['officer']!, 'GET', '/disclosures/inbox?status=all')).body[
        'items'
      ] as Json[]
    ).find((i) => i['id'] === id)!;

  const events = (n: MosaicNode, kind: string, disclosureId: string) =>
    n.ledger
      .list({ kind, limit: 1000 })
      .entries.map((e) => e.event as unknown as Json)
      .filter((e) => e['disclosureId'] === disclosureId);

  /** The owner's `GET /fed/v1/disclosures/:id` at a chosen instant, in process (the route the peer calls). */
  async function ownerGetAt(id: string, now: number) {
    const route = owner()
      .disclosureDesk.peerRoutes()
      .find((r) => r.name === 'disclosureStatus')!;
    const peer = owner().trust.member('ro-police', Date.now())!;
    try {
      return await route.handle({
        peer,
        identity: { state: 'no-cert' } as PeerIdentity,
        now,
        params: [id],
        body: '',
        traceId: '0'.repeat(32),
      });
    } catch (err) {
      return {
        status: (err as { status: number }).status,
        contentType: 'problem',
        body: (err as Error & { code: string }).code,
      };
    }
  }

  /** The owner's reply to the requesting node's own `GET /fed/v1/disclosures/:id`, over mTLS. */
  const ownerGet = (id: string) => node('ro-police').client.get('hu-border', `/fed/v1/disclosures/${id}`);

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
    ]);
    const imported = await provisionPersons(fed, 'hu-border', FIXTURES);
    expect(imported.code, imported.err).toBe(0);
    writeFileSync(join(fed.nodeDirs.get('hu-border')!, 'policies', 'sharing.yaml'), SHARING);
    await reimport(...Object.values(PERSONS).filter((r) => !/^HU-P-[134],/.test(r)));
    nodes = await startNodes(fed, undefined, (id, c) =>
      id === 'hu-border' ? { ...c, protocol: { ...c.protocol, maxOpenDisclosuresPerPeer: 2 } } : c,
    );
    tokens['analyst'] = node('ro-police').users.add('ana', 'analyst', new Date()).token;
    tokens['officer'] = owner().users.add('dora', 'disclosure-officer', new Date()).token;
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  /** Refuse every request still waiting, so a test starts with an empty queue. */
  async function clearInbox() {
    const waiting = (await api('hu-border', tokens['officer']!, 'GET', '/disclosures/inbox')).body[
      'items'
    ] as Json[];
    for (const i of waiting) {
      await api('hu-border', tokens['officer']!, 'POST', `/disclosures/inbox/${i['id']}/refuse`, {
        reason: 'Clearing the queue.',
      });
    }
  }

  describe('finding 1: a step-2 record is frozen at the decision, re-checked and logged at every delivery', () => {
    it('shows the officer the exact values, refuses an approval after the record changed until re-decided, and delivers the approved values after a later change', async () => {
      const ref = await refFor('RO-15-F1-A', 'Gabor Kovacs');
      const asked = await ask(ref, 'RO-15-F1-A');
      expect(asked.body).toMatchObject({ status: 'queued', reasonCode: 'APPROVAL_REQUIRED' });
      const id = ownerId(asked.body);
      const shown = await inboxItem(id);
      expect(shown.release).toEqual({
        givenName: 'Gábor',
        familyName: 'Kovács',
        phone: '+36 30 123 4567',
        documentNumber: 'EF 111222',
      });
      expect(shown.releaseDigest).toMatch(/^sha256:[0-9a-f]{64}$/);

      // The record changes after the officer has seen it: the approval of what was shown is refused.
      await reimport(PERSONS['HU-P-3']!.replace('EF 111222', 'EF 999000'));
      const stale = await api('hu-border', tokens['officer']!, 'POST', `/disclosures/inbox/${id}/approve`, {
        releaseDigest: shown.releaseDigest,
      });
      expect([stale.status, stale.body['code']]).toEqual([409, 'MOSAIC_ERR_DISCLOSURE_RECORD_CHANGED']);
      const reread = await inboxItem(id);
      expect(reread).toMatchObject({
        status: 'queued',
        release: { ...shown.release, documentNumber: 'EF 999000' },
      });
      expect(reread.releaseDigest).not.toBe(shown.releaseDigest);

      // The officer decides on the new values.
      const approved = await api(
        'hu-border',
        tokens['officer']!,
        'POST',
        `/disclosures/inbox/${id}/approve`,
        {
          note: 'Checked the new document number.',
          releaseDigest: reread.releaseDigest,
        },
      );
      expect(approved.body).toMatchObject({ status: 'approved', release: reread.release, deliveries: 0 });

      // A later change that the policy still releases: the requester gets exactly the approved values.
      await reimport(
        PERSONS['HU-P-3']!.replace('EF 111222', 'EF 999000').replace('+36 30 123 4567', '+36 30 765 4321'),
      );
      const got = await api('ro-police', tokens['analyst']!, 'GET', `/disclosures/${asked.body['id']}`);
      expect(got.body['status']).toBe('approved');
      expect(got.body['record']['fields']).toEqual(reread.release);
      const [approval] = events(owner(), 'disclosure-approved', id);
      expect(approval).toMatchObject({ recordDigest: sha256Digest(got.body['signedReply']) });
    });

    it('withdraws, coded and in both ledgers, an approved record that was flagged victim before delivery', async () => {
      const ref = await refFor('RO-15-F1-B', 'Elena Popa');
      const asked = await ask(ref, 'RO-15-F1-B');
      const id = ownerId(asked.body);
      const item = await inboxItem(id);
      await api('hu-border', tokens['officer']!, 'POST', `/disclosures/inbox/${id}/approve`, {
        releaseDigest: item.releaseDigest,
      });
      await reimport(PERSONS['HU-P-4']!.replace(',RO,,', ',RO,1,'));

      const got = await api('ro-police', tokens['analyst']!, 'GET', `/disclosures/${asked.body['id']}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ status: 'withdrawn', reasonCode: 'RECORD_WITHHELD' });
      expect(got.body['record']).toBeUndefined();
      expect(JSON.stringify(got.body)).not.toContain('GH 333444');
      expect(events(owner(), 'disclosure-withdrawn', id)).toEqual([
        expect.objectContaining({ direction: 'inbound', reasonCode: 'RECORD_WITHHELD' }),
      ]);
      expect(events(owner(), 'disclosure-delivered', id)).toEqual([]);
      expect(events(node('ro-police'), 'disclosure-withdrawn', asked.body['id'])).toEqual([
        expect.objectContaining({ direction: 'outbound', reasonCode: 'RECORD_WITHHELD' }),
      ]);
      expect(await inboxItem(id)).toMatchObject({ status: 'withdrawn', release: null, delivered: false });
      // Asked again directly, the owner still says withdrawn and hands out nothing.
      const again = await ownerGet(id);
      const payload = node('ro-police').client.verifyFromPeer('hu-border', again.body, 'mosaic-record+jws');
      expect(payload).toMatchObject({ status: 'withdrawn', reasonCode: 'RECORD_WITHHELD' });
      expect(payload['record']).toBeUndefined();
    });

    it('withdraws an approved record that was deleted, or whose permission was removed, before delivery', async () => {
      // Deleted at the owner (no CLI does it; the operator's own tools would).
      const ref = await refFor('RO-15-F1-F', 'Mihai Toma');
      const asked = await ask(ref, 'RO-15-F1-F');
      const id = ownerId(asked.body);
      await api('hu-border', tokens['officer']!, 'POST', `/disclosures/inbox/${id}/approve`, {
        releaseDigest: (await inboxItem(id)).releaseDigest,
      });
      const records = new Database(join(fed.nodeDirs.get('hu-border')!, 'data', 'records.db'));
      records.prepare("DELETE FROM records WHERE dataset = 'persons' AND id = 'HU-P-10'").run();
      records.close();
      const got = await api('ro-police', tokens['analyst']!, 'GET', `/disclosures/${asked.body['id']}`);
      expect(got.body).toMatchObject({ status: 'withdrawn', reasonCode: 'RECORD_DELETED' });
      expect(got.body['record']).toBeUndefined();

      // Approved at once under the court order, delivered once; then the court-order permission is removed.
      const courtRef = await refFor('RO-15-F1-F', 'Ilie Dobre', COURT);
      const court = await ask(courtRef, 'RO-15-F1-F', { legalBasis: COURT });
      const courtId = ownerId(court.body);
      const rules = join(fed.nodeDirs.get('hu-border')!, 'policies', 'sharing.yaml');
      writeFileSync(
        rules,
        readFileSync(rules, 'utf8').replace(/ {2}- id: record-on-court-order[\s\S]*$/, ''),
      );
      expect(await owner().reloadPolicies()).toBe('loaded');
      try {
        const again = await ownerGet(courtId);
        const payload = node('ro-police').client.verifyFromPeer('hu-border', again.body, 'mosaic-record+jws');
        expect(payload).toMatchObject({ status: 'withdrawn', reasonCode: 'RECORD_NOT_RELEASABLE' });
        expect(payload['record']).toBeUndefined();
        expect(events(owner(), 'disclosure-withdrawn', courtId)).toHaveLength(1);
        expect(events(owner(), 'disclosure-delivered', courtId)).toHaveLength(1);
      } finally {
        writeFileSync(rules, SHARING);
        expect(await owner().reloadPolicies()).toBe('loaded');
      }
    });

    it('logs every delivery with the same signed reply, frozen at an automatic approval, and stops at the cap', async () => {
      const ref = await refFor('RO-15-F1-C', 'Ilie Dobre', COURT);
      const asked = await ask(ref, 'RO-15-F1-C', { legalBasis: COURT });
      expect(asked.body).toMatchObject({ status: 'approved', reasonCode: 'AUTO_APPROVED' });
      const signed = asked.body['signedReply'] as string;
      const id = ownerId(asked.body);
      // The record changes; the owner keeps handing out the reply it signed at the decision, byte for byte.
      await reimport(PERSONS['HU-P-5']!.replace('+40 722 000 501', '+40 722 999 999'));
      const second = await ownerGet(id);
      const third = await ownerGet(id);
      expect([second.status, third.status]).toEqual([200, 200]);
      expect([second.body, third.body]).toEqual([signed, signed]);
      const fourth = await ownerGet(id);
      expect([fourth.status, JSON.parse(fourth.body).code]).toEqual([
        409,
        'MOSAIC_ERR_DISCLOSURE_DELIVERY_LIMIT',
      ]);
      const delivered = events(owner(), 'disclosure-delivered', id);
      expect(delivered.map((e) => e['recordDigest'])).toEqual(Array(3).fill(sha256Digest(signed)));
      expect(await inboxItem(id)).toMatchObject({ deliveries: 3, maxDeliveries: 3 });
    });

    it('freezes a request approved before the upgrade at its first delivery, after re-checking the policy', async () => {
      const ref = await refFor('RO-15-F1-E', 'Ionut Popescu');
      const asked = await ask(ref, 'RO-15-F1-E');
      const id = ownerId(asked.body);
      await api('hu-border', tokens['officer']!, 'POST', `/disclosures/inbox/${id}/approve`, {
        releaseDigest: (await inboxItem(id)).releaseDigest,
      });
      // What an approved row of an older node.db holds: the field plan, no frozen values, no signed reply.
      owner()
        .db.prepare(
          'UPDATE disclosures_in SET released = NULL, token = NULL, token_digest = NULL WHERE id = ?',
        )
        .run(id);
      await reimport(PERSONS['HU-P-1']!.replace('+40 721 555 019', '+40 721 555 020'));
      const got = await api('ro-police', tokens['analyst']!, 'GET', `/disclosures/${asked.body['id']}`);
      expect(got.body).toMatchObject({
        status: 'approved',
        record: { fields: { phone: '+40 721 555 020' } },
      });
      const signed = got.body['signedReply'] as string;
      expect(events(owner(), 'disclosure-delivered', id).map((e) => e['recordDigest'])).toEqual([
        sha256Digest(signed),
      ]);
      expect((await inboxItem(id)).release).toEqual(got.body['record']['fields']);
      // From then on it is frozen like any other.
      await reimport(PERSONS['HU-P-1']!);
      expect((await ownerGet(id)).body).toBe(signed);
    });

    it("ends delivery with the record's retention or the hit reference's life; the sweep deletes the frozen values", async () => {
      // Retention first: the court-order grant keeps the record 2 days (the reference lives 90).
      const courtRef = await refFor('RO-15-F1-D', 'Vasile Munteanu', COURT);
      const court = await ask(courtRef, 'RO-15-F1-D', { legalBasis: COURT });
      const courtId = ownerId(court.body);
      const decided = Date.parse(court.body['decidedAt']);
      expect((await ownerGetAt(courtId, decided + 2 * DAY - 60_000)).status).toBe(200);
      expect(await ownerGetAt(courtId, decided + 2 * DAY + 60_000)).toMatchObject({
        status: 410,
        body: 'MOSAIC_ERR_DISCLOSURE_EXPIRED',
      });
      expect(await inboxItem(courtId)).toMatchObject({ status: 'expired', release: null });
      expect(events(owner(), 'disclosure-expired', courtId)).toEqual([
        expect.objectContaining({
          direction: 'local',
          recordDigest: sha256Digest(court.body['signedReply']),
        }),
      ]);

      // Then the reference: approved under MLA (180 days' retention), not fetched within the reference's 90.
      const mlaRef = await refFor('RO-15-F1-D', 'Sorin Barbu');
      const mla = await ask(mlaRef, 'RO-15-F1-D');
      const mlaId = ownerId(mla.body);
      await api('hu-border', tokens['officer']!, 'POST', `/disclosures/inbox/${mlaId}/approve`, {
        releaseDigest: (await inboxItem(mlaId)).releaseDigest,
      });
      expect(await ownerGetAt(mlaId, Date.now() + 91 * DAY)).toMatchObject({
        status: 410,
        body: 'MOSAIC_ERR_DISCLOSURE_EXPIRED',
      });
      // The requester is told: the record will never come.
      const told = await api('ro-police', tokens['analyst']!, 'GET', `/disclosures/${mla.body['id']}`);
      expect(told.body).toMatchObject({ status: 'withdrawn', reasonCode: 'DELIVERY_EXPIRED' });
      expect(told.body['record']).toBeUndefined();

      // The hourly sweep: an approved request past its window and a queued one past its reference's life.
      await clearInbox();
      const lateRef = await refFor('RO-15-F1-D', 'Radu Stan');
      const late = await ask(lateRef, 'RO-15-F1-D');
      const lateId = ownerId(late.body);
      const waitingRef = await refFor('RO-15-F1-D', 'Dan Lupu');
      const waitingId = ownerId((await ask(waitingRef, 'RO-15-F1-D')).body);
      await api('hu-border', tokens['officer']!, 'POST', `/disclosures/inbox/${lateId}/approve`, {
        releaseDigest: (await inboxItem(lateId)).releaseDigest,
      });
      expect((await inboxItem(lateId)).release).not.toBeNull();
      // Before the reference's end only shorter windows close (the court order's 2 days, above).
      await owner().disclosureDesk.sweep(Date.now() + 89 * DAY);
      expect(await inboxItem(lateId)).toMatchObject({ status: 'approved', release: expect.any(Object) });
      expect(await inboxItem(waitingId)).toMatchObject({ status: 'queued', release: expect.any(Object) });
      expect(await owner().disclosureDesk.sweep(Date.now() + 91 * DAY)).toBeGreaterThanOrEqual(2);
      expect(await inboxItem(lateId)).toMatchObject({ status: 'expired', release: null });
      expect(await inboxItem(waitingId)).toMatchObject({
        status: 'refused',
        reasonCode: 'REFERENCE_EXPIRED',
        release: null,
      });
      const frozen = owner()
        .db.prepare(
          'SELECT COUNT(*) FROM disclosures_in WHERE (released IS NOT NULL OR token IS NOT NULL) AND id IN (?, ?)',
        )
        .pluck()
        .get(lateId, waitingId);
      expect(frozen).toBe(0);
    });
  });

  describe('finding 6: no inbox flooding', () => {
    it('refuses a second request for the same reference while the first is open, naming only its id', async () => {
      await clearInbox();
      const ref = await refFor('RO-15-F6-A', 'Gabor Kovacs');
      const first = await ask(ref, 'RO-15-F6-A');
      expect(first.body['status']).toBe('queued');
      const before = owner().ledger.size;
      const second = await ask(ref, 'RO-15-F6-A', { justification: 'Asking again, louder.' });
      expect([second.status, second.body['code']]).toEqual([409, 'MOSAIC_ERR_DISCLOSURE_ALREADY_OPEN']);
      expect(second.body['issues']).toEqual([
        { path: '/ref', message: `request ${ownerId(first.body)} is still open` },
      ]);
      expect(owner().ledger.size).toBe(before);
      const waiting = (await api('hu-border', tokens['officer']!, 'GET', '/disclosures/inbox')).body[
        'items'
      ] as Json[];
      expect(waiting.map((i) => i['id'])).toEqual([ownerId(first.body)]);
      const listed = await api('ro-police', tokens['analyst']!, 'GET', '/disclosures?caseRef=RO-15-F6-A');
      expect(listed.body['items']).toHaveLength(1);
    });

    it('refuses with 429 a request beyond the per-peer cap of waiting requests; nothing is queued and no quota used', async () => {
      await clearInbox();
      const refs = [
        await refFor('RO-15-F6-B', 'Gabor Kovacs'),
        await refFor('RO-15-F6-B', 'Ilie Dobre'),
        await refFor('RO-15-F6-B', 'Sorin Barbu'),
      ];
      const used = () =>
        owner()
          .db.prepare(
            "SELECT COALESCE(SUM(used), 0) FROM quota_usage WHERE key LIKE 'ro-police|mla-records|%'",
          )
          .pluck()
          .get() as number;
      expect((await ask(refs[0]!, 'RO-15-F6-B')).body['status']).toBe('queued');
      expect((await ask(refs[1]!, 'RO-15-F6-B')).body['status']).toBe('queued');
      const quotaBefore = used();
      const ledgerBefore = owner().ledger.size;
      const third = await ask(refs[2]!, 'RO-15-F6-B');
      expect([third.status, third.body['code']]).toEqual([429, 'MOSAIC_ERR_DISCLOSURE_TOO_MANY_OPEN']);
      expect(used()).toBe(quotaBefore);
      expect(owner().ledger.size).toBe(ledgerBefore);
      expect(owner().disclosureDesk.backlog(Date.now()).pending).toBe(2);
      // Once the officer decides one, the peer may ask again.
      await clearInbox();
      expect((await ask(refs[2]!, 'RO-15-F6-B')).body['status']).toBe('queued');
    });
  });

  describe('finding 8: a hit reference serves only the case and purpose of its search', () => {
    it('the owner refuses, coded and recorded, a request whose case or purpose differs from the hit', async () => {
      await clearInbox();
      const ref = await refFor('RO-15-F8-A', 'Ilie Dobre');
      const send = async (caseRef: string, purpose: string) => {
        const signed = node('ro-police').client.signRequest(
          'hu-border',
          {
            ref,
            caseRef,
            purpose,
            legalBasis: MLA,
            justification: 'A reference carried into another case.',
            urgency: 'urgent',
            requester: { id: 'officer-7f3a', role: 'analyst' },
          },
          'mosaic-disclosure+jws',
        );
        const r = await node('ro-police').client.postSigned('hu-border', '/fed/v1/disclosures', signed.token);
        expect(r.status).toBe(200);
        return node('ro-police').client.verifyFromPeer('hu-border', r.body, 'mosaic-record+jws');
      };
      const otherCase = await send('RO-15-ELSEWHERE', 'trafficking-investigation');
      expect(otherCase).toMatchObject({ status: 'refused', reasonCode: 'CASE_MISMATCH' });
      const otherPurpose = await send('RO-15-F8-A', 'victim-protection');
      expect(otherPurpose).toMatchObject({ status: 'refused', reasonCode: 'PURPOSE_MISMATCH' });
      for (const [reply, code] of [
        [otherCase, 'CASE_MISMATCH'],
        [otherPurpose, 'PURPOSE_MISMATCH'],
      ] as const) {
        expect(events(owner(), 'disclosure-requested', String(reply['id']))).toEqual([
          expect.objectContaining({ direction: 'inbound', reasonCode: code }),
        ]);
      }
      expect(owner().disclosureDesk.backlog(Date.now()).pending).toBe(0);
    });

    it('the requesting node refuses a reference from another case, under another purpose, or never returned to it', async () => {
      const ref = await refFor('RO-15-F8-B', 'Sorin Barbu');
      await refFor('RO-15-F8-C', 'Radu Stan'); // the analyst's other case
      const before = owner().ledger.size;
      const elsewhere = await ask(ref, 'RO-15-F8-C');
      expect([elsewhere.status, elsewhere.body['code'], elsewhere.body['issues'][0].path]).toEqual([
        422,
        'MOSAIC_ERR_DISCLOSURE_OUT_OF_CASE',
        '/ref',
      ]);
      const purpose = await ask(ref, 'RO-15-F8-B', { purpose: 'victim-protection' });
      expect([purpose.status, purpose.body['code'], purpose.body['issues'][0].path]).toEqual([
        422,
        'MOSAIC_ERR_DISCLOSURE_OUT_OF_CASE',
        '/purpose',
      ]);
      const forged = await ask('A'.repeat(22), 'RO-15-F8-B');
      expect([forged.status, forged.body['code']]).toEqual([422, 'MOSAIC_ERR_DISCLOSURE_OUT_OF_CASE']);
      expect(owner().ledger.size).toBe(before);
      expect((await ask(ref, 'RO-15-F8-B')).body['status']).toBe('queued');
    });
  });
});
