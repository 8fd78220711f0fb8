import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type QueryClaims,
  type TrustAnchors,
  type TrustList,
  validateNodeConfig,
  validateProblem,
  validateQueryClaims,
  validateResponseClaims,
  validateSearchRequest,
  validateTrustAnchors,
  validateTrustList,
} from '../../contracts/index.js';
import { decodeCompact, signCompact, verifySignature } from '../../gateway/jws/compact.js';
import { generateSigningKey, importPublicJwk } from '../../gateway/keys/jwk.js';
import { signTrustList, TrustStore, verifyTrustList } from '../../gateway/trust/trust-list.js';
import {
  codedOrValid,
  deepJsonText,
  expectNoPollution,
  hostileJson,
  hostileKey,
  hostileString,
  invalidUtf8,
  NASTY_STRINGS,
  runs,
} from './hostile.js';

/** Hostile input at the JWS edge: the query and response envelopes and the trust list (issue 10 §2). */

const es256 = generateSigningKey('ES256');
const eddsa = generateSigningKey('EdDSA');
const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64url');
const header = (h: unknown) => b64(JSON.stringify(h));
const GOOD_HEADER = { alg: 'ES256', kid: es256.kid, typ: 'mosaic-query+jws' };

const NOW = 1_795_000_000;
const validClaims: QueryClaims = {
  iss: 'ro-police',
  aud: 'hu-border',
  iat: NOW,
  exp: NOW + 60,
  jti: 'AAAAAAAAAAAAAAAAAAAAAA',
  cnf: { 'x5t#S256': 'A'.repeat(43) },
  purpose: 'trafficking-investigation',
  legalBasis: 'Art. 39 Prüm',
  caseRef: 'RO-2026-0042',
  requester: { id: 'officer-7f3a', role: 'analyst' },
  subject: { kind: 'person', selectors: { fullName: 'Ionut Popescu' } },
  granularity: 'exists',
};

/** A compact token built from parts an attacker controls. */
const hostileToken: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc.array(fc.string({ unit: 'binary-ascii', maxLength: 40 }), { maxLength: 5 }).map((p) => p.join('.')),
  fc
    .tuple(hostileJson, hostileJson, fc.uint8Array({ maxLength: 80 }))
    .map(([h, p, s]) => `${header(h)}.${b64(JSON.stringify(p) ?? 'null')}.${b64(s)}`),
  fc
    .tuple(hostileJson, fc.uint8Array({ maxLength: 80 }))
    .map(([p, s]) => `${header(GOOD_HEADER)}.${b64(JSON.stringify(p) ?? 'null')}.${b64(s)}`),
  fc.tuple(deepJsonText).map(([p]) => `${header(GOOD_HEADER)}.${b64(p)}.${b64('sig')}`),
  invalidUtf8.map((bytes) => `${header(GOOD_HEADER)}.${b64(bytes)}.${b64('sig')}`),
  invalidUtf8.map((bytes) => `${b64(bytes)}.${b64('{}')}.${b64('sig')}`),
  fc
    .dictionary(hostileKey, hostileJson, { maxKeys: 4 })
    .map((extra) => `${header({ ...GOOD_HEADER, ...extra })}.${b64('{}')}.AAAA`),
);

describe('compact JWS decode and verify', () => {
  it('ends every hostile token in a coded error or a header of exactly alg, kid, typ', () => {
    fc.assert(
      fc.property(hostileToken, (token) => {
        const r = codedOrValid(() => decodeCompact(token, 'mosaic-query+jws'));
        if (r.ok) {
          expect(Object.keys(r.value.header).sort()).toEqual(['alg', 'kid', 'typ']);
          expect(['ES256', 'EdDSA']).toContain(r.value.header.alg);
          // A forged token never verifies against a real key.
          const v = codedOrValid(() => verifySignature(r.value, importPublicJwk(es256.publicJwk)));
          expect(v.ok).toBe(false);
        } else {
          expect([
            'MOSAIC_ERR_JWS_MALFORMED',
            'MOSAIC_ERR_JWS_UNSUPPORTED_ALG',
            'MOSAIC_ERR_REQUEST_MALFORMED',
          ]).toContain(r.error.code);
        }
        expectNoPollution();
      }),
      runs(900),
    );
  });

  it('refuses a token over 1 MiB before parsing it', () => {
    const r = codedOrValid(() =>
      decodeCompact(`${header(GOOD_HEADER)}.${'A'.repeat(1 << 20)}.AAAA`, 'mosaic-query+jws'),
    );
    expect(r.ok ? 'accepted' : r.error.code).toBe('MOSAIC_ERR_JWS_MALFORMED');
  });

  it.each([
    ['ES256', es256],
    ['EdDSA', eddsa],
  ] as const)(
    'never verifies a %s token with one character changed (header, payload or signature)',
    (_alg, key) => {
      const token = signCompact(validClaims, key, 'mosaic-query+jws');
      const publicKey = importPublicJwk(key.publicJwk);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
      fc.assert(
        fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), (at, ch) => {
          const mutated = token.slice(0, at) + ch + token.slice(at + 1);
          if (mutated === token) return;
          const sameBytes = mutated
            .split('.')
            .every((p, i) =>
              Buffer.from(p, 'base64url').equals(Buffer.from(token.split('.')[i] ?? '', 'base64url')),
            );
          const r = codedOrValid(() => {
            const jws = decodeCompact(mutated, 'mosaic-query+jws');
            verifySignature(jws, publicKey);
            return jws;
          });
          // Only a change in the unused low bits of the signature's last base64url character keeps the bytes:
          // the signed input is the header and payload text, so any other change must fail.
          if (r.ok) expect(sameBytes && at > token.lastIndexOf('.')).toBe(true);
        }),
        runs(600),
      );
    },
  );

  it('keeps one message type from being verified as another (typ confusion)', () => {
    const response = signCompact({ iss: 'hu-border' }, es256, 'mosaic-response+jws');
    for (const typ of ['mosaic-query+jws', 'mosaic-trust-list+jws', 'mosaic-disclosure+jws'] as const) {
      const r = codedOrValid(() => decodeCompact(response, typ));
      expect(r.ok ? 'accepted' : r.error.code).toBe('MOSAIC_ERR_JWS_UNSUPPORTED_ALG');
    }
  });
});

/** Replace the value at a random path of `base` with `value` (or add a hostile key). */
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

const mutation = fc.tuple(fc.array(fc.nat(), { maxLength: 4 }), hostileJson, hostileKey);

describe('query and response claims validation', () => {
  it('answers true or false for any payload (random or a mutated valid query), never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileJson,
          mutation.map(([p, v, k]) => mutate(validClaims, p, v, k)),
        ),
        (claims) => {
          const ok = validateQueryClaims(claims);
          if (!ok) expect(validateQueryClaims.issues().length).toBeGreaterThan(0);
          expectNoPollution();
        },
      ),
      runs(1200),
    );
  });

  it('never accepts a prototype-pollution key anywhere in the claims', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const payload = JSON.parse(
        JSON.stringify(validClaims).replace('"granularity"', `"${key}":{"isAdmin":true},"granularity"`),
      );
      expect(validateQueryClaims(payload)).toBe(false);
      const nested = JSON.parse(JSON.stringify(validClaims).replace('"fullName"', `"${key}":"x","fullName"`));
      expect(validateQueryClaims(nested)).toBe(false);
    }
    expectNoPollution();
  });

  it('accepts SQL metacharacters, confusables and RTL marks in every selector kind as plain data', () => {
    const kinds: [string, string][] = [
      ['person', 'fullName'],
      ['phone', 'number'],
      ['email', 'address'],
      ['document', 'number'],
      ['account', 'iban'],
      ['vehicle', 'plate'],
      ['address', 'text'],
      ['organisation', 'name'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.constantFrom(...NASTY_STRINGS), ([kind, selector], value) => {
        const claims = { ...validClaims, subject: { kind, selectors: { [selector]: value } } };
        // Valid iff the value is 1..256 code units long: the schema bounds size, the matcher deals with content.
        expect(validateQueryClaims(claims)).toBe(value.length >= 1 && value.length <= 256);
      }),
      runs(600),
    );
  });

  it('validates response claims from a hostile peer without throwing, deep nesting included', () => {
    const validResponse = {
      iss: 'hu-border',
      aud: 'ro-police',
      iat: NOW,
      jti: 'BBBBBBBBBBBBBBBBBBBBBB',
      queryJti: 'AAAAAAAAAAAAAAAAAAAAAA',
      queryDigest: `sha256:${'0'.repeat(64)}`,
      decision: {
        effect: 'permit',
        reasonCode: 'PERMITTED',
        ruleIds: [],
        granted: 'exists',
        coarsened: false,
      },
      results: [],
      receipt: null,
    };
    expect(validateResponseClaims(validResponse)).toBe(true);
    fc.assert(
      fc.property(
        fc.oneof(
          hostileJson,
          mutation.map(([p, v, k]) => mutate(validResponse, p, v, k)),
          deepJsonText.map((t) => ({
            ...validResponse,
            results: [{ dataset: 'x', decision: JSON.parse(t) }],
          })),
        ),
        (r) => {
          validateResponseClaims(r);
          expectNoPollution();
        },
      ),
      runs(900),
    );
  });
});

describe('every contracts validator', () => {
  it.each([
    ['validateSearchRequest', validateSearchRequest],
    ['validateTrustList', validateTrustList],
    ['validateTrustAnchors', validateTrustAnchors],
    ['validateNodeConfig', validateNodeConfig],
    ['validateProblem', validateProblem],
  ] as const)('%s answers true or false for any JSON value, deep nesting included', (_name, validate) => {
    fc.assert(
      // Generated as JSON text and parsed inside, as the callers receive it (and so fast-check never has to
      // print a 20,000-level value).
      fc.property(
        fc.oneof(
          hostileJson.map((v) => JSON.stringify(v) ?? 'null'),
          deepJsonText,
        ),
        (text) => {
          const ok = validate(JSON.parse(text));
          if (!ok) expect(Array.isArray(validate.issues())).toBe(true);
          expectNoPollution();
        },
      ),
      runs(300),
    );
  });
});

describe('trust list verification', () => {
  const authority = generateSigningKey('ES256');
  const anchors: TrustAnchors = { federation: 'fed', keys: [authority.publicJwk] };
  const T0 = Date.parse('2026-11-01T00:00:00Z');
  const member = generateSigningKey('ES256');
  const list: TrustList = {
    federation: 'fed',
    version: 1,
    issuedAt: new Date(T0).toISOString(),
    expiresAt: new Date(T0 + 7 * 86_400_000).toISOString(),
    purposes: ['trafficking-investigation'],
    members: [
      {
        agencyId: 'ro-police',
        name: 'Poliția Română',
        country: 'RO',
        endpoint: 'https://127.0.0.1:9443',
        tlsPins: ['A'.repeat(43)],
        jwks: { keys: [member.publicJwk] },
        groups: ['jit-danube'],
      },
    ],
  };

  it('ends any unsigned or foreign-signed token in a coded trust-list error', () => {
    const rogue = generateSigningKey('ES256');
    fc.assert(
      fc.property(
        fc.oneof(
          hostileToken,
          hostileJson.map((p) => signCompact(p as object, rogue, 'mosaic-trust-list+jws')),
          fc.constant(signCompact(list, rogue, 'mosaic-trust-list+jws')),
        ),
        (token) => {
          const r = codedOrValid(() => verifyTrustList(token, anchors));
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error.code).toMatch(/^MOSAIC_ERR_TRUST_LIST_(INVALID|BAD_SIGNATURE)$/);
        },
      ),
      runs(600),
    );
  });

  it('refuses an authority-signed payload that does not match the schema, with a code', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileJson,
          mutation.map(([p, v, k]) => mutate(list, p, v, k)),
        ),
        (payload) => {
          const token = signCompact((payload ?? {}) as object, authority, 'mosaic-trust-list+jws');
          const store = new TrustStore(anchors, 30 * 86_400);
          codedOrValid(() => store.load(token, T0));
          expectNoPollution();
        },
      ),
      runs(900),
    );
  });

  // Regression guard (fixed): TrustStore.load imports every member JWK with createPublicKey and does not catch, so
  // an authority-signed list whose key is schema-valid but not a point on P-256 escapes as an uncoded
  // TypeError [ERR_CRYPTO_INVALID_JWK] instead of MOSAIC_ERR_TRUST_LIST_INVALID (gateway/trust/trust-list.ts
  // toMember → importPublicJwk). The node maps it to MOSAIC_ERR_INTERNAL in /readyz.
  it('refuses a signed list whose member key is not a valid curve point with MOSAIC_ERR_TRUST_LIST_INVALID', () => {
    const bad: TrustList = {
      ...list,
      members: [{ ...list.members[0]!, jwks: { keys: [{ ...member.publicJwk, x: 'A'.repeat(43) }] } }],
    };
    const store = new TrustStore(anchors, 30 * 86_400);
    const r = codedOrValid(() => store.load(signTrustList(bad, authority), T0));
    expect(r.ok ? 'accepted' : r.error.code).toBe('MOSAIC_ERR_TRUST_LIST_INVALID');
  });
});
