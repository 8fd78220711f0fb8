import type { KeyObject } from 'node:crypto';
import {
  MosaicError,
  type TrustAnchors,
  type TrustList,
  type TrustListMember,
  validateTrustList,
} from '../../contracts/index.js';
import { decodeCompact, signCompact, verifySignature } from '../jws/compact.js';
import { importPublicJwk, type SigningKey } from '../keys/jwk.js';

/** Sign a trust list with a federation authority key. */
export function signTrustList(list: TrustList, authorityKey: SigningKey): string {
  if (!validateTrustList(list)) {
    throw new MosaicError('MOSAIC_ERR_TRUST_LIST_INVALID', { issues: validateTrustList.issues() });
  }
  return signCompact(list, authorityKey, 'mosaic-trust-list+jws');
}

/**
 * Verify a signed trust list against the authority anchors: signature by one of the anchor keys, schema,
 * and the federation name. Freshness and rollback are the TrustStore's business, since they depend on state.
 */
export function verifyTrustList(token: string, anchors: TrustAnchors): TrustList {
  let jws: ReturnType<typeof decodeCompact>;
  try {
    jws = decodeCompact(token.trim(), 'mosaic-trust-list+jws');
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_TRUST_LIST_INVALID', { detail: 'not a trust list JWS', cause: err });
  }
  const anchor = anchors.keys.find((k) => k.kid === jws.header.kid);
  if (!anchor)
    throw new MosaicError('MOSAIC_ERR_TRUST_LIST_BAD_SIGNATURE', { detail: 'unknown authority kid' });
  try {
    verifySignature(jws, importPublicJwk(anchor));
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_TRUST_LIST_BAD_SIGNATURE', { cause: err });
  }
  const list = jws.payload;
  if (!validateTrustList(list)) {
    throw new MosaicError('MOSAIC_ERR_TRUST_LIST_INVALID', { issues: validateTrustList.issues() });
  }
  if (list.federation !== anchors.federation) {
    throw new MosaicError('MOSAIC_ERR_TRUST_LIST_INVALID', {
      detail: 'trust list is for another federation',
    });
  }
  return list;
}

/** A member as the node uses it: pins and keys indexed, KeyObjects imported once. */
export interface Member {
  readonly agencyId: string;
  readonly name: string;
  readonly country: string;
  readonly endpoint: string;
  readonly groups: readonly string[];
  readonly pins: ReadonlySet<string>;
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly logKey: string | undefined;
  readonly witnessKey: string | undefined;
  readonly validFrom: number | undefined;
  readonly validUntil: number | undefined;
}

function toMember(m: TrustListMember): Member {
  return {
    agencyId: m.agencyId,
    name: m.name,
    country: m.country,
    endpoint: m.endpoint,
    groups: [...m.groups],
    pins: new Set(m.tlsPins),
    keys: new Map(m.jwks.keys.map((k) => [k.kid, importPublicJwk(k)])),
    logKey: m.logKey,
    witnessKey: m.witnessKey,
    validFrom: m.validFrom === undefined ? undefined : Date.parse(m.validFrom),
    validUntil: m.validUntil === undefined ? undefined : Date.parse(m.validUntil),
  };
}

export interface TrustSnapshot {
  readonly list: TrustList;
  readonly members: ReadonlyMap<string, Member>;
  readonly byPin: ReadonlyMap<string, Member>;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export type LoadResult = { readonly changed: boolean; readonly version: number };

/**
 * The trust list in force. A new list replaces the current one only if it verifies and its version is
 * higher (rollback protection); re-reading the very same list is a no-op. The list stays usable while it is
 * neither past `expiresAt` nor older than `maxAgeSeconds` since it was issued: that is how long a node keeps
 * working on the last good list when the source cannot be reached.
 */
export class TrustStore {
  #snapshot: TrustSnapshot | undefined;
  #token: string | undefined;
  readonly #anchors: TrustAnchors;
  readonly #maxAgeMs: number;

  constructor(anchors: TrustAnchors, maxAgeSeconds: number) {
    if (anchors.keys.length === 0) throw new TypeError('TrustStore: at least one authority key is required');
    this.#anchors = anchors;
    this.#maxAgeMs = maxAgeSeconds * 1000;
  }

  get snapshot(): TrustSnapshot | undefined {
    return this.#snapshot;
  }

  get federation(): string {
    return this.#anchors.federation;
  }

  load(token: string, now: number): LoadResult {
    const trimmed = token.trim();
    if (this.#snapshot && trimmed === this.#token)
      return { changed: false, version: this.#snapshot.list.version };
    const list = verifyTrustList(trimmed, this.#anchors);
    if (this.#snapshot && list.version <= this.#snapshot.list.version) {
      throw new MosaicError('MOSAIC_ERR_TRUST_LIST_ROLLBACK', {
        detail: `offered version ${list.version}, in force ${this.#snapshot.list.version}`,
      });
    }
    const issuedAt = Date.parse(list.issuedAt);
    const expiresAt = Date.parse(list.expiresAt);
    if (!(expiresAt > issuedAt)) {
      throw new MosaicError('MOSAIC_ERR_TRUST_LIST_INVALID', { detail: 'expiresAt is not after issuedAt' });
    }
    if (!this.#usable(issuedAt, expiresAt, now)) {
      throw new MosaicError('MOSAIC_ERR_TRUST_LIST_EXPIRED', { detail: `version ${list.version} is stale` });
    }
    const members = new Map<string, Member>();
    const byPin = new Map<string, Member>();
    for (const m of list.members) {
      if (members.has(m.agencyId)) {
        throw new MosaicError('MOSAIC_ERR_TRUST_LIST_INVALID', { detail: `duplicate member ${m.agencyId}` });
      }
      let member: Member;
      try {
        member = toMember(m);
      } catch (err) {
        // A JWK can match the schema and still not be a key (a point off the curve): refuse the whole list.
        throw new MosaicError('MOSAIC_ERR_TRUST_LIST_INVALID', {
          detail: `member ${m.agencyId}: unusable key`,
          cause: err,
        });
      }
      members.set(m.agencyId, member);
      for (const pin of member.pins) {
        if (byPin.has(pin)) throw new MosaicError('MOSAIC_ERR_TRUST_LIST_INVALID', { detail: 'pin reused' });
        byPin.set(pin, member);
      }
    }
    this.#snapshot = { list, members, byPin, issuedAt, expiresAt };
    this.#token = trimmed;
    return { changed: true, version: list.version };
  }

  #usable(issuedAt: number, expiresAt: number, now: number): boolean {
    return now < expiresAt && now - issuedAt <= this.#maxAgeMs;
  }

  /** The snapshot in force, or a coded error when there is none or it has gone stale. */
  current(now: number): TrustSnapshot {
    const snap = this.#snapshot;
    if (!snap) throw new MosaicError('MOSAIC_ERR_TRUST_LIST_UNAVAILABLE');
    if (!this.#usable(snap.issuedAt, snap.expiresAt, now))
      throw new MosaicError('MOSAIC_ERR_TRUST_LIST_EXPIRED');
    return snap;
  }

  /** A member valid at `now`, looked up by agency id. */
  member(agencyId: string, now: number): Member | undefined {
    const m = this.current(now).members.get(agencyId);
    return m && isCurrent(m, now) ? m : undefined;
  }

  /** A member valid at `now`, looked up by the SPKI pin of its TLS key. */
  memberByPin(pin: string, now: number): Member | undefined {
    const m = this.current(now).byPin.get(pin);
    return m && isCurrent(m, now) ? m : undefined;
  }
}

function isCurrent(m: Member, now: number): boolean {
  return (
    (m.validFrom === undefined || now >= m.validFrom) && (m.validUntil === undefined || now < m.validUntil)
  );
}
