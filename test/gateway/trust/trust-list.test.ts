import { describe, expect, it } from 'vitest';
import type { TrustAnchors, TrustList } from '../../../contracts/index.js';
import { signCompact } from '../../../gateway/jws/compact.js';
import { generateSigningKey } from '../../../gateway/keys/jwk.js';
import { signTrustList, TrustStore, verifyTrustList } from '../../../gateway/trust/trust-list.js';

const authority = generateSigningKey('ES256');
const anchors: TrustAnchors = { federation: 'fed', keys: [authority.publicJwk] };
const memberKey = generateSigningKey('ES256');
const T0 = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

function list(version: number, overrides: Partial<TrustList> = {}): TrustList {
  return {
    federation: 'fed',
    version,
    issuedAt: new Date(T0).toISOString(),
    expiresAt: new Date(T0 + 7 * DAY).toISOString(),
    purposes: ['trafficking-investigation'],
    members: [
      {
        agencyId: 'ro-police',
        name: 'Poliția',
        country: 'RO',
        endpoint: 'https://127.0.0.1:9443',
        tlsPins: ['A'.repeat(43)],
        jwks: { keys: [memberKey.publicJwk] },
        groups: ['jit-danube'],
      },
    ],
    ...overrides,
  };
}

describe('trust list', () => {
  it('verifies a list signed by an anchor and indexes members by id and pin', () => {
    const store = new TrustStore(anchors, (2 * DAY) / 1000);
    expect(store.load(signTrustList(list(1), authority), T0)).toEqual({ changed: true, version: 1 });
    expect(store.member('ro-police', T0)?.country).toBe('RO');
    expect(store.memberByPin('A'.repeat(43), T0)?.agencyId).toBe('ro-police');
    expect(store.member('nobody', T0)).toBeUndefined();
  });

  it('re-reading the same list is a no-op, not a rollback', () => {
    const store = new TrustStore(anchors, (2 * DAY) / 1000);
    const token = signTrustList(list(3), authority);
    store.load(token, T0);
    expect(store.load(`${token}\n`, T0)).toEqual({ changed: false, version: 3 });
  });

  it.each([
    ['a lower version', 1],
    ['the same version with other content', 2],
  ])('refuses %s (rollback) and keeps the list in force', (_n, version) => {
    const store = new TrustStore(anchors, (2 * DAY) / 1000);
    store.load(signTrustList(list(2), authority), T0);
    const older = signTrustList(list(version, { purposes: ['other'] }), authority);
    expect(() => store.load(older, T0)).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_TRUST_LIST_ROLLBACK' }),
    );
    expect(store.snapshot?.list.purposes).toEqual(['trafficking-investigation']);
  });

  it('keeps the last good list only within the maximum age, and never past expiry', () => {
    const store = new TrustStore(anchors, (2 * DAY) / 1000);
    store.load(signTrustList(list(1), authority), T0);
    expect(() => store.current(T0 + DAY)).not.toThrow();
    expect(() => store.current(T0 + 2 * DAY + 1)).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_TRUST_LIST_EXPIRED' }),
    );
    const longLived = new TrustStore(anchors, (30 * DAY) / 1000);
    longLived.load(signTrustList(list(1), authority), T0);
    expect(() => longLived.current(T0 + 7 * DAY)).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_TRUST_LIST_EXPIRED' }),
    );
  });

  it('refuses a stale list at load time', () => {
    const store = new TrustStore(anchors, DAY / 1000);
    expect(() => store.load(signTrustList(list(1), authority), T0 + 3 * DAY)).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_TRUST_LIST_EXPIRED' }),
    );
    expect(() => store.current(T0)).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_TRUST_LIST_UNAVAILABLE' }),
    );
  });

  it.each([
    [
      'a list signed by a non-anchor key',
      () => signTrustList(list(1), generateSigningKey()),
      'MOSAIC_ERR_TRUST_LIST_BAD_SIGNATURE',
    ],
    [
      'a list for another federation',
      () => signTrustList(list(1, { federation: 'other' }), authority),
      'MOSAIC_ERR_TRUST_LIST_INVALID',
    ],
    [
      'a list with an unknown key',
      () => signCompact({ ...list(1), extra: true }, authority, 'mosaic-trust-list+jws'),
      'MOSAIC_ERR_TRUST_LIST_INVALID',
    ],
    [
      'a query token passed as a trust list',
      () => signCompact(list(1), authority, 'mosaic-query+jws'),
      'MOSAIC_ERR_TRUST_LIST_INVALID',
    ],
    ['garbage', () => 'not a jws', 'MOSAIC_ERR_TRUST_LIST_INVALID'],
  ])('refuses %s', (_n, make, code) => {
    expect(() => verifyTrustList(make(), anchors)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses two members sharing a TLS pin', () => {
    const l = list(1);
    l.members.push({ ...l.members[0]!, agencyId: 'hu-border' });
    const store = new TrustStore(anchors, DAY / 1000);
    expect(() => store.load(signCompact(l, authority, 'mosaic-trust-list+jws'), T0)).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_TRUST_LIST_INVALID' }),
    );
  });

  it('honours member validity windows', () => {
    const l = list(1);
    l.members[0] = { ...l.members[0]!, validUntil: new Date(T0 + DAY).toISOString() };
    const store = new TrustStore(anchors, (7 * DAY) / 1000);
    store.load(signTrustList(l, authority), T0);
    expect(store.member('ro-police', T0)).toBeDefined();
    expect(store.member('ro-police', T0 + DAY)).toBeUndefined();
    expect(store.memberByPin('A'.repeat(43), T0 + DAY)).toBeUndefined();
  });
});
