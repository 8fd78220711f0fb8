/**
 * X.509 work for the federation PKI. node-forge is used here and nowhere else, pinned at 1.4.3 (after the
 * RSA signature-forgery fixes of 1.3.0 and the ASN.1 validator fixes of 1.3.2). forge only does RSA
 * certificates, so TLS keys are RSA-2048, generated natively by node:crypto (forge's pure-JS keygen is 10×
 * slower); ECDSA would save ~5–10 % per handshake only (perf-limits §4). Parsing and pinning of certificates
 * that arrive over TLS use node:crypto's X509Certificate, never forge.
 */
import {
  createHash,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  X509Certificate,
} from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { MosaicError } from '../../contracts/index.js';

const { pki, md } = forge;

export interface SubjectInfo {
  readonly agencyId: string;
  readonly name: string;
  readonly country: string;
}

const DAY_MS = 86_400_000;

export function generateTlsKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

function forgeKey(key: KeyObject): forge.pki.rsa.PrivateKey {
  return pki.privateKeyFromPem(key.export({ type: 'pkcs8', format: 'pem' }) as string);
}

function serial(): string {
  // RFC 5280 §4.1.2.2: positive, at most 20 octets; 16 random bytes with the top bit cleared.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/** A self-signed federation CA certificate (pathlen 0: it issues node certificates only). */
export function createCertificateAuthority(
  caKey: KeyObject,
  federation: string,
  now: Date,
  validDays = 3650,
): string {
  const key = forgeKey(caKey);
  const cert = pki.createCertificate();
  cert.publicKey = pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + validDays * DAY_MS);
  const attrs = [
    { name: 'commonName', value: `Mosaic federation CA ${federation}` },
    { name: 'organizationName', value: federation },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, md.sha256.create());
  return pki.certificateToPem(cert);
}

/** A PKCS#10 request for a node's TLS certificate, self-signed by its key. */
export function createCsr(tlsKey: KeyObject, subject: SubjectInfo, hosts: readonly string[]): string {
  const key = forgeKey(tlsKey);
  const csr = pki.createCertificationRequest();
  csr.publicKey = pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([
    { name: 'commonName', value: subject.agencyId },
    { name: 'organizationName', value: subject.name },
    { name: 'countryName', value: subject.country },
  ]);
  csr.setAttributes([{ name: 'extensionRequest', extensions: [subjectAltName(hosts)] }]);
  csr.sign(key, md.sha256.create());
  return pki.certificationRequestToPem(csr);
}

function subjectAltName(hosts: readonly string[]) {
  return {
    name: 'subjectAltName',
    altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
  };
}

export interface CsrInfo {
  readonly commonName: string;
  readonly publicKeyPem: string;
}

/** Parse a CSR and check its self-signature; the CN must be the agency id being admitted. */
export function readCsr(csrPem: string): CsrInfo & { readonly csr: forge.pki.CertificateSigningRequest } {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = pki.certificationRequestFromPem(csrPem);
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_CSR_INVALID', { detail: 'unparseable CSR', cause: err });
  }
  let verified = false;
  try {
    verified = csr.verify();
  } catch (err) {
    // forge throws (rather than returning false) when a tampered signature no longer decodes.
    throw new MosaicError('MOSAIC_ERR_CSR_INVALID', { detail: 'CSR self-signature fails', cause: err });
  }
  if (!verified) throw new MosaicError('MOSAIC_ERR_CSR_INVALID', { detail: 'CSR self-signature fails' });
  const cn = csr.subject.getField('CN');
  if (!cn || typeof cn.value !== 'string')
    throw new MosaicError('MOSAIC_ERR_CSR_INVALID', { detail: 'no CN' });
  if (!csr.publicKey) throw new MosaicError('MOSAIC_ERR_CSR_INVALID', { detail: 'no public key' });
  return { csr, commonName: cn.value, publicKeyPem: pki.publicKeyToPem(csr.publicKey) };
}

/**
 * Issue a node certificate from a verified CSR: the subject and SANs come from the request, the usages are
 * fixed (serverAuth + clientAuth: every node is both a peer server and a peer client).
 */
export function issueCertificate(
  caCertPem: string,
  caKey: KeyObject,
  csrPem: string,
  now: Date,
  validDays = 365,
): string {
  const { csr } = readCsr(csrPem);
  const caCert = pki.certificateFromPem(caCertPem);
  const cert = pki.createCertificate();
  cert.publicKey = csr.publicKey as forge.pki.PublicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + validDays * DAY_MS);
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer(caCert.subject.attributes);
  const requested = (
    csr.getAttribute({ name: 'extensionRequest' }) as { extensions?: { name: string }[] } | null
  )?.extensions;
  const san = requested?.find((e) => e.name === 'subjectAltName');
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ...(san ? [san] : []),
  ]);
  cert.sign(forgeKey(caKey), md.sha256.create());
  return pki.certificateToPem(cert);
}

/** SHA-256 of the DER SubjectPublicKeyInfo, base64url: how the trust list pins a member's TLS key. */
export function spkiPin(cert: X509Certificate | string): string {
  const x509 = typeof cert === 'string' ? new X509Certificate(cert) : cert;
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64url');
}

/** RFC 8705 §3.1 `x5t#S256`: SHA-256 of the DER certificate, base64url. */
export function certThumbprint(cert: X509Certificate | string): string {
  const x509 = typeof cert === 'string' ? new X509Certificate(cert) : cert;
  return createHash('sha256').update(x509.raw).digest('base64url');
}

/** Parse a PEM certificate with node:crypto, mapping failure to a coded error. */
export function readCertificate(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_KEY_INVALID', {
      detail: `${what} is not a PEM certificate`,
      cause: err,
    });
  }
}

export interface RevokedEntry {
  /** Certificate serial number, hex (as forge and `X509Certificate.serialNumber` give it). */
  readonly serial: string;
  readonly revokedAt: Date;
}

export interface CrlOptions {
  readonly caCertPem: string;
  readonly caKey: KeyObject;
  readonly revoked: readonly RevokedEntry[];
  /** CRL number (RFC 5280 §5.2.3): must increase with every CRL the CA issues. */
  readonly crlNumber: number;
  readonly now: Date;
  /** nextUpdate = now + validDays. OpenSSL refuses every certificate of the CA once the CRL has expired. */
  readonly validDays?: number;
}

/** A DER INTEGER from a hex string, with a leading zero octet when the top bit is set (stays positive). */
function asn1PositiveInteger(hex: string): forge.asn1.Asn1 {
  const { asn1, util } = forge;
  let h = hex.toLowerCase().replace(/^0+(?=.)/, '');
  if (!/^[0-9a-f]+$/.test(h))
    throw new MosaicError('MOSAIC_ERR_KEY_INVALID', { detail: `bad serial ${hex}` });
  if (h.length % 2 === 1) h = `0${h}`;
  if (Number.parseInt(h.slice(0, 2), 16) >= 0x80) h = `00${h}`;
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, util.hexToBytes(h));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function asn1Time(d: Date): forge.asn1.Asn1 {
  const { asn1 } = forge;
  return d.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

/**
 * An X.509 v2 CRL (RFC 5280 §5) signed by the federation CA: sha256WithRSAEncryption (PKCS#1 v1.5), issuer =
 * the CA subject, the CRL number and authority key identifier extensions, one entry per revoked serial. forge
 * has no CRL builder, so the TBSCertList is assembled with forge.asn1. PEM label `X509 CRL` (what Node's `crl`
 * TLS option reads).
 */
export function createCrl(o: CrlOptions): string {
  const { asn1, util } = forge;
  const U = asn1.Class.UNIVERSAL;
  const T = asn1.Type;
  const seq = (items: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, items);
  const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
  const caCert = pki.certificateFromPem(o.caCertPem);
  const sigAlg = seq([oid(pki.oids['sha256WithRSAEncryption']!), asn1.create(U, T.NULL, false, '')]);
  const thisUpdate = new Date(o.now.getTime() - 60_000);
  const nextUpdate = new Date(o.now.getTime() + (o.validDays ?? 30) * DAY_MS);
  const entries = o.revoked.map((r) => seq([asn1PositiveInteger(r.serial), asn1Time(r.revokedAt)]));
  const extension = (id: string, value: forge.asn1.Asn1) =>
    seq([oid(id), asn1.create(U, T.OCTETSTRING, false, asn1.toDer(value).getBytes())]);
  const extensions = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
    seq([
      // authorityKeyIdentifier: [0] keyIdentifier, the same id the node certificates carry.
      extension(
        '2.5.29.35',
        seq([
          asn1.create(
            asn1.Class.CONTEXT_SPECIFIC,
            0,
            false,
            caCert.generateSubjectKeyIdentifier().getBytes(),
          ),
        ]),
      ),
      // cRLNumber
      extension('2.5.29.20', asn1PositiveInteger(o.crlNumber.toString(16))),
    ]),
  ]);
  const tbs = seq([
    asn1.create(U, T.INTEGER, false, util.hexToBytes('01')), // v2
    sigAlg,
    pki.distinguishedNameToAsn1(caCert.subject),
    asn1Time(thisUpdate),
    asn1Time(nextUpdate),
    ...(entries.length > 0 ? [seq(entries)] : []),
    extensions,
  ]);
  const digest = md.sha256.create();
  digest.update(asn1.toDer(tbs).getBytes());
  const signature = forgeKey(o.caKey).sign(digest);
  const crl = seq([
    tbs,
    seq([oid(pki.oids['sha256WithRSAEncryption']!), asn1.create(U, T.NULL, false, '')]),
    asn1.create(U, T.BITSTRING, false, `\u0000${signature}`),
  ]);
  return forge.pem.encode({ type: 'X509 CRL', body: asn1.toDer(crl).getBytes() }, { maxline: 64 });
}

/** The hex serial number of a PEM certificate. */
export function certificateSerial(certPem: string): string {
  return readCertificate(certPem, 'certificate').serialNumber.toLowerCase();
}

/**
 * The serial numbers (lower-case hex, no leading zeros) a CRL revokes, once its signature verifies against
 * one of the given CA certificates. Used to close connections opened before a revocation: OpenSSL checks the
 * CRL only at the handshake. A CRL that does not parse or verify is refused with MOSAIC_ERR_CONFIG_INVALID.
 */
export function crlRevokedSerials(crlPem: string, caPems: readonly string[]): Set<string> {
  const { asn1, util } = forge;
  let crl: forge.asn1.Asn1;
  try {
    crl = asn1.fromDer(forge.pem.decode(crlPem)[0]!.body, true);
  } catch {
    throw new MosaicError('MOSAIC_ERR_CONFIG_INVALID', { detail: 'the CRL does not parse' });
  }
  const parts = Array.isArray(crl.value) ? crl.value : [];
  const [tbs, , sig] = parts;
  if (tbs === undefined || sig === undefined || typeof sig.value !== 'string' || !Array.isArray(tbs.value))
    throw new MosaicError('MOSAIC_ERR_CONFIG_INVALID', { detail: 'the CRL is not a signed CertificateList' });
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = Buffer.from(sig.value.slice(1), 'binary'); // BIT STRING: drop the unused-bits byte
  const verified = caPems.some((pem) => {
    try {
      return cryptoVerify('sha256', tbsDer, new X509Certificate(pem).publicKey, signature);
    } catch {
      return false;
    }
  });
  if (!verified)
    throw new MosaicError('MOSAIC_ERR_CONFIG_INVALID', {
      detail: 'the CRL is not signed by the federation CA',
    });
  // TBSCertList: version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?, [0] extensions?
  const fields = tbs.value as forge.asn1.Asn1[];
  const isTime = (a: forge.asn1.Asn1) =>
    a.tagClass === asn1.Class.UNIVERSAL &&
    (a.type === asn1.Type.UTCTIME || a.type === asn1.Type.GENERALIZEDTIME);
  let i = fields.findIndex(isTime);
  while (i >= 0 && i < fields.length && isTime(fields[i]!)) i += 1;
  const serials = new Set<string>();
  const list = i >= 0 ? fields[i] : undefined;
  if (list !== undefined && list.tagClass === asn1.Class.UNIVERSAL && list.type === asn1.Type.SEQUENCE) {
    for (const entry of list.value as forge.asn1.Asn1[]) {
      const serial = Array.isArray(entry.value) ? entry.value[0] : undefined;
      if (serial === undefined || typeof serial.value !== 'string') continue;
      serials.add(normaliseSerial(util.bytesToHex(serial.value)));
    }
  }
  return serials;
}

/** A serial as hex in one spelling: lower case, no leading zeros (X509Certificate and DER differ there). */
export function normaliseSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+(?=.)/, '');
}
