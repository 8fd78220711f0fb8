import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MosaicError,
  type TrustAnchors,
  type TrustList,
  type TrustListMember,
  validateTrustAnchors,
} from '../../contracts/index.js';
import {
  loadPrivateKey,
  privateKeyToPem,
  readRequiredFile,
  writePublicFile,
  writeSecretFile,
} from '../keys/files.js';
import { generateSigningKey, type SigningKey, signingKeyFrom } from '../keys/jwk.js';
import {
  certificateSerial,
  createCertificateAuthority,
  createCrl,
  generateTlsKey,
  issueCertificate,
  readCsr,
  spkiPin,
} from '../pki/x509.js';
import { signTrustList, verifyTrustList } from '../trust/trust-list.js';
import type { MembershipRequest } from './membership.js';

/**
 * The federation authority's directory:
 *   authority.key.pem   trust-list signing key (encrypted, 0600)
 *   ca.key.pem          federation CA key (encrypted, 0600)
 *   ca.pem              federation CA certificate
 *   anchors.json        authority public keys: what every node trusts
 *   members.json        the draft member list the next publish will sign
 *   trust-list.jws      the last published, signed trust list
 *   certificates.json   every TLS certificate issued, per member (serial, dates), and the revoked ones
 *   crl.pem             the last CRL (X.509 v2) signed by the CA; an empty one is issued at init
 */
export const FED_FILES = {
  authorityKey: 'authority.key.pem',
  caKey: 'ca.key.pem',
  caCert: 'ca.pem',
  anchors: 'anchors.json',
  members: 'members.json',
  trustList: 'trust-list.jws',
  certificates: 'certificates.json',
  crl: 'crl.pem',
} as const;

/** Issued and revoked certificates, and the number of the last CRL. */
interface CertificatesFile {
  issued: { agencyId: string; serial: string; issuedAt: string; notAfter: string }[];
  revoked: { agencyId: string; serial: string; revokedAt: string }[];
  crlNumber: number;
}

function readCertificates(dir: string): CertificatesFile {
  try {
    return JSON.parse(readFileSync(join(dir, FED_FILES.certificates), 'utf8')) as CertificatesFile;
  } catch (err) {
    // A federation directory from before revocation existed: no record yet.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { issued: [], revoked: [], crlNumber: 0 };
    throw err;
  }
}

function writeCertificates(dir: string, c: CertificatesFile): void {
  writePublicFile(join(dir, FED_FILES.certificates), `${JSON.stringify(c, null, 2)}\n`, true);
}

interface MembersFile {
  federation: string;
  purposes: string[];
  members: TrustListMember[];
}

export interface InitFederationOptions {
  readonly dir: string;
  readonly federation: string;
  readonly passphrase: string;
  readonly purposes: readonly string[];
  readonly now: Date;
}

export function initFederation(o: InitFederationOptions): { anchors: TrustAnchors } {
  if (o.passphrase.length < 8) {
    throw new MosaicError('MOSAIC_ERR_CLI_USAGE', {
      detail: 'the passphrase must have at least 8 characters',
    });
  }
  const authority = generateSigningKey('ES256');
  const caKey = generateTlsKey();
  const caPem = createCertificateAuthority(caKey, o.federation, o.now);
  writeSecretFile(join(o.dir, FED_FILES.authorityKey), privateKeyToPem(authority.privateKey, o.passphrase));
  writeSecretFile(join(o.dir, FED_FILES.caKey), privateKeyToPem(caKey, o.passphrase));
  writePublicFile(join(o.dir, FED_FILES.caCert), caPem);
  const anchors: TrustAnchors = { federation: o.federation, keys: [authority.publicJwk] };
  writePublicFile(join(o.dir, FED_FILES.anchors), `${JSON.stringify(anchors, null, 2)}\n`);
  const members: MembersFile = { federation: o.federation, purposes: [...o.purposes], members: [] };
  writePublicFile(join(o.dir, FED_FILES.members), `${JSON.stringify(members, null, 2)}\n`);
  // An empty CRL from day one, so nodes can configure `tls.crl` before anyone is revoked.
  writeCertificates(o.dir, { issued: [], revoked: [], crlNumber: 1 });
  writePublicFile(
    join(o.dir, FED_FILES.crl),
    createCrl({ caCertPem: caPem, caKey, revoked: [], crlNumber: 1, now: o.now }),
  );
  return { anchors };
}

export function readAnchors(path: string): TrustAnchors {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readRequiredFile(path));
  } catch (err) {
    if (err instanceof MosaicError) throw err;
    throw new MosaicError('MOSAIC_ERR_KEY_INVALID', { detail: `${path} is not JSON`, cause: err });
  }
  if (!validateTrustAnchors(parsed)) {
    throw new MosaicError('MOSAIC_ERR_KEY_INVALID', { detail: path, issues: validateTrustAnchors.issues() });
  }
  return parsed;
}

function readMembers(dir: string): MembersFile {
  return JSON.parse(readRequiredFile(join(dir, FED_FILES.members))) as MembersFile;
}

function writeMembers(dir: string, m: MembersFile): void {
  writePublicFile(join(dir, FED_FILES.members), `${JSON.stringify(m, null, 2)}\n`, true);
}

export interface AdmitOptions {
  readonly dir: string;
  readonly request: MembershipRequest;
  readonly passphrase: string;
  readonly groups: readonly string[];
  readonly now: Date;
  readonly validDays?: number;
}

/**
 * Issue the member's TLS certificate from its request and add (or update) it in the draft member list. The
 * pins are the new certificate's key plus any pin the member already had, so a re-admission for a new key
 * keeps the old key valid until the next publish without it (overlap).
 */
export function admitMember(o: AdmitOptions): { certPem: string; caPem: string; member: TrustListMember } {
  const caKey = loadPrivateKey(join(o.dir, FED_FILES.caKey), o.passphrase);
  const caPem = readRequiredFile(join(o.dir, FED_FILES.caCert));
  const csr = readCsr(o.request.csr);
  if (csr.commonName !== o.request.agencyId) {
    throw new MosaicError('MOSAIC_ERR_CSR_INVALID', { detail: 'CSR CN is not the agency id' });
  }
  const certPem = issueCertificate(caPem, caKey, o.request.csr, o.now, o.validDays);
  const certs = readCertificates(o.dir);
  certs.issued.push({
    agencyId: o.request.agencyId,
    serial: certificateSerial(certPem),
    issuedAt: o.now.toISOString(),
    notAfter: new Date(o.now.getTime() + (o.validDays ?? 365) * 86_400_000).toISOString(),
  });
  writeCertificates(o.dir, certs);
  const members = readMembers(o.dir);
  const existing = members.members.find((m) => m.agencyId === o.request.agencyId);
  const pin = spkiPin(certPem);
  const member: TrustListMember = {
    agencyId: o.request.agencyId,
    name: o.request.name,
    country: o.request.country,
    endpoint: o.request.endpoint,
    tlsPins: [...new Set([pin, ...(existing?.tlsPins ?? [])])].slice(0, 2),
    jwks: o.request.jwks,
    groups: o.groups.length > 0 ? [...o.groups] : (existing?.groups ?? []),
    ...(o.request.logKey === undefined ? {} : { logKey: o.request.logKey }),
    ...(o.request.witnessKey === undefined ? {} : { witnessKey: o.request.witnessKey }),
  };
  members.members = [...members.members.filter((m) => m.agencyId !== member.agencyId), member];
  writeMembers(o.dir, members);
  return { certPem, caPem, member };
}

/** Edit a member in the draft list (endpoint, groups, keys, pins); takes effect at the next publish. */
export function updateMember(
  dir: string,
  agencyId: string,
  change: (m: TrustListMember) => TrustListMember,
): TrustListMember {
  const members = readMembers(dir);
  const i = members.members.findIndex((m) => m.agencyId === agencyId);
  if (i < 0) throw new MosaicError('MOSAIC_ERR_TRUST_UNKNOWN_AGENCY', { detail: agencyId });
  const updated = change(members.members[i]!);
  members.members[i] = updated;
  writeMembers(dir, members);
  return updated;
}

export function removeMember(dir: string, agencyId: string): void {
  const members = readMembers(dir);
  if (!members.members.some((m) => m.agencyId === agencyId)) {
    throw new MosaicError('MOSAIC_ERR_TRUST_UNKNOWN_AGENCY', { detail: agencyId });
  }
  members.members = members.members.filter((m) => m.agencyId !== agencyId);
  writeMembers(dir, members);
}

export interface PublishOptions {
  readonly dir: string;
  readonly passphrase: string;
  readonly now: Date;
  readonly validDays: number;
  /** Explicit version; must exceed the last published one. Defaults to last + 1. */
  readonly version?: number;
}

/** Sign the draft member list as the next trust list version and write `trust-list.jws`. */
export function publishTrustList(o: PublishOptions): { version: number; token: string } {
  const authorityKey: SigningKey = signingKeyFrom(
    loadPrivateKey(join(o.dir, FED_FILES.authorityKey), o.passphrase),
  );
  const anchors = readAnchors(join(o.dir, FED_FILES.anchors));
  let last = 0;
  try {
    last = verifyTrustList(readFileSync(join(o.dir, FED_FILES.trustList), 'utf8'), anchors).version;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const version = o.version ?? last + 1;
  if (version <= last) {
    throw new MosaicError('MOSAIC_ERR_TRUST_LIST_ROLLBACK', {
      detail: `version ${version} <= published ${last}`,
    });
  }
  const members = readMembers(o.dir);
  const list: TrustList = {
    federation: anchors.federation,
    version,
    issuedAt: o.now.toISOString(),
    expiresAt: new Date(o.now.getTime() + o.validDays * 86_400_000).toISOString(),
    purposes: members.purposes,
    members: members.members,
  };
  const token = signTrustList(list, authorityKey);
  writePublicFile(join(o.dir, FED_FILES.trustList), `${token}\n`, true);
  return { version, token };
}

export interface RevokeOptions {
  readonly dir: string;
  readonly passphrase: string;
  readonly now: Date;
  /** Revoke the serial of this member's current (last issued) certificate; omit to re-issue the CRL only. */
  readonly agencyId?: string;
  /** CRL validity (nextUpdate) in days; default 30. */
  readonly validDays?: number;
}

/**
 * Revoke a member's current TLS certificate and sign the next CRL (all revoked serials) into `crl.pem`. The
 * member list is not touched: removing it from the trust list is a separate, published step.
 */
export function revokeCertificate(o: RevokeOptions): { crlPem: string; serial?: string; crlNumber: number } {
  const caKey = loadPrivateKey(join(o.dir, FED_FILES.caKey), o.passphrase);
  const caPem = readRequiredFile(join(o.dir, FED_FILES.caCert));
  const certs = readCertificates(o.dir);
  let serial: string | undefined;
  if (o.agencyId !== undefined) {
    const current = certs.issued.filter((c) => c.agencyId === o.agencyId).at(-1);
    if (current === undefined) {
      throw new MosaicError('MOSAIC_ERR_TRUST_UNKNOWN_AGENCY', {
        detail: `no certificate issued to ${o.agencyId} is on record`,
      });
    }
    serial = current.serial;
    if (!certs.revoked.some((r) => r.serial === serial)) {
      certs.revoked.push({ agencyId: o.agencyId, serial, revokedAt: o.now.toISOString() });
    }
  }
  const crlNumber = certs.crlNumber + 1;
  const crlPem = createCrl({
    caCertPem: caPem,
    caKey,
    revoked: certs.revoked.map((r) => ({ serial: r.serial, revokedAt: new Date(r.revokedAt) })),
    crlNumber,
    now: o.now,
    ...(o.validDays === undefined ? {} : { validDays: o.validDays }),
  });
  certs.crlNumber = crlNumber;
  writeCertificates(o.dir, certs);
  writePublicFile(join(o.dir, FED_FILES.crl), crlPem, true);
  return { crlPem, crlNumber, ...(serial === undefined ? {} : { serial }) };
}
