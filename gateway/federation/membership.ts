import { MosaicError, type PublicJwk, validateTrustList } from '../../contracts/index.js';

/** What a node sends the authority to join: identity, endpoint, public keys and the TLS certificate request. */
export interface MembershipRequest {
  readonly agencyId: string;
  readonly name: string;
  readonly country: string;
  readonly endpoint: string;
  readonly jwks: { keys: PublicJwk[] };
  readonly csr: string;
  readonly logKey?: string;
  readonly witnessKey?: string;
}

/** Validate a membership request with the trust-list member schema, so a bad request fails before admission. */
export function parseMembershipRequest(text: string): MembershipRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_CSR_INVALID', { detail: 'request is not JSON', cause: err });
  }
  const r = value as Partial<MembershipRequest> | null;
  if (!r || typeof r !== 'object' || typeof r.csr !== 'string') {
    throw new MosaicError('MOSAIC_ERR_CSR_INVALID', { detail: 'request has no csr' });
  }
  const probe = {
    federation: 'probe',
    version: 1,
    issuedAt: '2000-01-01T00:00:00Z',
    expiresAt: '2000-01-02T00:00:00Z',
    members: [
      {
        agencyId: r.agencyId,
        name: r.name,
        country: r.country,
        endpoint: r.endpoint,
        tlsPins: ['A'.repeat(43)],
        jwks: r.jwks,
        groups: [],
        ...(r.logKey === undefined ? {} : { logKey: r.logKey }),
        ...(r.witnessKey === undefined ? {} : { witnessKey: r.witnessKey }),
      },
    ],
  };
  if (!validateTrustList(probe)) {
    const issues = validateTrustList.issues().map((i) => ({ ...i, path: i.path.replace('/members/0', '') }));
    throw new MosaicError('MOSAIC_ERR_CSR_INVALID', { detail: 'request fields invalid', issues });
  }
  return r as MembershipRequest;
}
