import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MosaicNode } from '../../gateway/node/node.js';
import { signCompact } from '../../gateway/jws/compact.js';
import { createFederation, type Federation, startNodes, stopNodes } from '../e2e/harness.js';
import {
  CODE,
  deepJsonText,
  hostileJson,
  hostileKey,
  hostileString,
  invalidUtf8,
  NASTY_STRINGS,
  PROTO_KEYS,
  runs,
} from './hostile.js';

/**
 * Hostile API request bodies against a real in-process node (issue 10 §2): POST /api/v1/searches and
 * /api/v1/disclosures never answer 500, every refusal is a coded problem, and a refused request sends nothing
 * to any peer (neither side's ledger grows).
 */

let fed: Federation;
let nodes: Map<string, MosaicNode>;
let token: string;
const node = (id: string) => nodes.get(id)!;

const VALID_SEARCH = {
  subject: { kind: 'person', selectors: { fullName: 'Ionut Popescu', birthDate: '1988-03' } },
  purpose: 'trafficking-investigation',
  legalBasis: 'JIT Danube agreement 2025',
  caseRef: 'RO-FUZZ-1',
  granularity: 'exists',
  targets: { agencies: ['hu-border'] },
  deadlineMs: 5000,
};

beforeAll(async () => {
  fed = await createFederation([
    { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
    { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
  ]);
  nodes = await startNodes(fed);
  token = node('ro-police').users.add('fuzz-analyst', 'analyst', new Date()).token;
});

afterAll(async () => {
  await stopNodes(nodes);
  fed.cleanup();
});

interface Sent {
  body: string | Uint8Array;
  contentType: string;
  contentEncoding?: string;
}

async function post(path: string, s: Sent) {
  const res = await fetch(`${node('ro-police').apiUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': s.contentType,
      ...(s.contentEncoding ? { 'content-encoding': s.contentEncoding } : {}),
    },
    body: s.body,
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

function mutate(base: unknown, path: readonly number[], value: unknown, key: string): unknown {
  if (base === null || typeof base !== 'object') return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(base) ? [...base] : { ...base };
  const keys = Object.keys(copy);
  if (path.length === 0 || keys.length === 0) {
    // JSON can give an array no named property: a hostile key goes on objects only.
    if (Array.isArray(copy)) copy.push(value);
    else Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
    return copy;
  }
  const k = keys[path[0]! % keys.length]!;
  (copy as Record<string, unknown>)[k] = mutate(
    (copy as Record<string, unknown>)[k],
    path.slice(1),
    value,
    key,
  );
  return copy;
}

const json = (v: unknown) => JSON.stringify(v) ?? 'null';

function hostileBody(valid: object): fc.Arbitrary<Sent> {
  const asJson = (body: string | Uint8Array): Sent => ({ body, contentType: 'application/json' });
  return fc.oneof(
    hostileJson.map((v) => asJson(json(v))),
    fc
      .tuple(fc.array(fc.nat(), { maxLength: 4 }), hostileJson, hostileKey)
      .map(([p, v, k]) => asJson(json(mutate(valid, p, v, k)))),
    fc
      .tuple(fc.constantFrom(...PROTO_KEYS), hostileJson)
      .map(([k, v]) => asJson(json(valid).replace(/^\{/, `{"${k}":${json(v)},`))),
    fc
      .tuple(fc.constantFrom(...NASTY_STRINGS.filter((s) => s.length < 1000)))
      .map(([s]) => asJson(json({ ...valid, caseRef: s, legalBasis: s }))),
    deepJsonText.map((t) => asJson(`{"subject":${t}}`)),
    hostileString.map((s) => asJson(s)),
    invalidUtf8.map((b) =>
      asJson(new Uint8Array([...Buffer.from('{"legalBasis":"'), ...b, ...Buffer.from('"}')])),
    ),
    fc.constant(asJson(`{"legalBasis":"${'x'.repeat(70_000)}"}`)),
    fc.constantFrom<Sent>(
      { body: json(valid), contentType: 'text/plain' },
      { body: json(valid), contentType: 'application/x-www-form-urlencoded' },
      { body: json(valid), contentType: 'application/json; charset=utf-16' },
      { body: json(valid), contentType: 'application/json', contentEncoding: 'x-unknown' },
      // Left out until the bug below is fixed: a charset body-parser refuses, or a body that does not
      // decompress under its content-encoding (gzip, deflate, br), answers 500.
    ),
  );
}

/** Searches still running must end before the next case, so ledger sizes compare exactly. */
async function settleAll(): Promise<void> {
  for (let i = 0; i < 200 && node('ro-police').searches.runningCount > 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('POST /api/v1/searches with hostile bodies', () => {
  it('the valid search is accepted (the base of the mutations)', async () => {
    const r = await post('/api/v1/searches', { body: json(VALID_SEARCH), contentType: 'application/json' });
    expect(r.status).toBe(202);
    await node('ro-police').searches.settle(JSON.parse(r.text).id);
  });

  it('never answers 500; every refusal is a coded problem and sends no query to any peer', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody(VALID_SEARCH), async (sent) => {
        await settleAll();
        const requesterBefore = node('ro-police').ledger.size;
        const responderBefore = node('hu-border').ledger.size;
        const r = await post('/api/v1/searches', sent);
        expect(r.status, r.text.slice(0, 300)).not.toBe(500);
        if (r.status === 202) {
          await node('ro-police').searches.settle(JSON.parse(r.text).id);
          return;
        }
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.type).toContain('application/problem+json');
        expect(JSON.parse(r.text).code).toMatch(CODE);
        // No query left the node: no query-sent on this side, nothing received (or refused) on the other.
        expect(node('ro-police').ledger.size).toBe(requesterBefore);
        expect(node('hu-border').ledger.size).toBe(responderBefore);
      }),
      runs(100),
    );
  });

  // Regression guard (fixed): the API's problemHandler maps only body-parser's entity.too.large, entity.parse.failed and
  // encoding.unsupported; any other body-parser error (here `charset.unsupported`, HTTP 415 from express.json)
  // becomes MOSAIC_ERR_INTERNAL 500 (gateway/api/app.ts problemHandler). Expected: 415 MOSAIC_ERR_REQUEST_MEDIA_TYPE.
  it('refuses a JSON body in an unsupported charset with 415, not 500', async () => {
    const r = await post('/api/v1/searches', {
      body: json(VALID_SEARCH),
      contentType: 'application/json; charset=latin1',
    });
    expect([r.status, JSON.parse(r.text).code]).toEqual([415, 'MOSAIC_ERR_REQUEST_MEDIA_TYPE']);
  });

  // Same bug, second trigger: a body that does not decompress under its Content-Encoding is a zlib error that
  // body-parser wraps as a 400 without a `type`; problemHandler turns it into 500 MOSAIC_ERR_INTERNAL.
  it.each([
    ['gzip', 'not gzip at all'],
    ['deflate', '{"a":1}'],
    ['br', '{"a":1}'],
  ])('refuses a body that is not %s-encoded as it claims with a 400, not 500', async (encoding, body) => {
    const r = await post('/api/v1/searches', {
      body,
      contentType: 'application/json',
      contentEncoding: encoding,
    });
    expect([r.status, JSON.parse(r.text).code]).toEqual([400, 'MOSAIC_ERR_REQUEST_MALFORMED']);
  });
});

describe('POST /api/v1/disclosures with hostile bodies', () => {
  const VALID_DISCLOSURE = {
    peer: 'hu-border',
    ref: 'A'.repeat(24),
    caseRef: 'RO-FUZZ-1',
    purpose: 'trafficking-investigation',
    legalBasis: 'MLA request 2026',
    justification: 'Fuzzing the disclosure endpoint.',
    urgency: 'standard',
  };

  it('never answers 500; a refusal before sending is a coded 4xx and nothing reaches the owner', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody(VALID_DISCLOSURE), async (sent) => {
        const responderBefore = node('hu-border').ledger.size;
        const r = await post('/api/v1/disclosures', sent);
        expect(r.status, r.text.slice(0, 300)).not.toBe(500);
        if (r.status === 201) return;
        const problem = JSON.parse(r.text) as { code: string };
        expect(problem.code).toMatch(CODE);
        // A refusal by the owner (a forged or unknown ref) comes back as a peer error; anything refused
        // locally never reached the owner.
        if (r.status < 500) {
          if (problem.code !== 'MOSAIC_ERR_DISCLOSURE_UNKNOWN_REF')
            expect(node('hu-border').ledger.size).toBe(responderBefore);
        } else expect(problem.code).toMatch(/^MOSAIC_ERR_PEER_/);
      }),
      runs(40),
    );
  });
});

describe('POST /fed/v1/queries with hostile tokens over real mTLS (the responder pipeline)', () => {
  const b64 = (v: string | Uint8Array) => Buffer.from(v).toString('base64url');

  it('never answers 5xx; every refusal is coded and the only ledger trace is a `rejected` event', async () => {
    const signer = () => node('ro-police').signingKey;
    const validClaims = () =>
      node('ro-police').client.signQuery('hu-border', {
        purpose: 'trafficking-investigation',
        legalBasis: 'JIT Danube agreement 2025',
        caseRef: 'RO-FUZZ-2',
        requester: { id: 'officer-7f3a', role: 'analyst' },
        subject: { kind: 'phone', selectors: { number: '+40 721 555 019' } },
        granularity: 'exists',
      }).claims;
    const token = fc.oneof(
      hostileString,
      invalidUtf8.map((b) => `${b64('{"alg":"ES256"}')}.${b64(b)}.AAAA`),
      // Correctly signed by the member itself, so the hostile claims reach binding, freshness, replay, schema.
      hostileJson.map((v) => signCompact((v ?? {}) as object, signer(), 'mosaic-query+jws')),
      fc
        .tuple(fc.array(fc.nat(), { maxLength: 3 }), hostileJson, hostileKey)
        .map(([p, v, k]) =>
          signCompact(mutate(validClaims(), p, v, k) as object, signer(), 'mosaic-query+jws'),
        ),
      deepJsonText.map(
        (t) =>
          `${b64(JSON.stringify({ alg: 'ES256', kid: signer().kid, typ: 'mosaic-query+jws' }))}.${b64(t)}.AAAA`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        const before = node('hu-border').ledger.size;
        const r = await node('ro-police').client.sendRaw('hu-border', t);
        expect(r.status, r.body.slice(0, 300)).toBeLessThan(500);
        if (r.status === 200) return;
        expect(JSON.parse(r.body).code).toMatch(CODE);
        for (let i = 0; i < 100 && node('hu-border').ledger.stats().pending > 0; i++) {
          await new Promise((res) => setTimeout(res, 5));
        }
        const kinds: string[] = [];
        for (let i = before; i < node('hu-border').ledger.size; i++)
          kinds.push(node('hu-border').ledger.get(i).event.kind);
        expect(kinds).toEqual(['rejected']);
      }),
      runs(100),
    );
  });
});
