import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { admitMember, initFederation, revokeCertificate } from '../../../gateway/federation/authority.js';
import { initNode } from '../../../gateway/node/init.js';
import {
  certificateSerial,
  createCertificateAuthority,
  createCrl,
  createCsr,
  crlRevokedSerials,
  generateTlsKey,
  normaliseSerial,
  issueCertificate,
} from '../../../gateway/pki/x509.js';

const now = new Date();
const caKey = generateTlsKey();
const caPem = createCertificateAuthority(caKey, 'crl-test', now);
function node(id: string) {
  const key = generateTlsKey();
  const cert = issueCertificate(
    caPem,
    caKey,
    createCsr(key, { agencyId: id, name: id, country: 'EU' }, ['127.0.0.1']),
    now,
  );
  return { key: key.export({ type: 'pkcs8', format: 'pem' }) as string, cert };
}
const server = node('server');
const good = node('good');
const bad = node('bad');

/** Connect with a client certificate; resolve with whether the server saw it as authorized. */
async function handshake(crl: string, client: { key: string; cert: string }) {
  const srv = createServer(
    { key: server.key, cert: server.cert, ca: caPem, crl, requestCert: true, rejectUnauthorized: false },
    (s: TLSSocket) => {
      s.end(JSON.stringify({ authorized: s.authorized, error: s.authorizationError ?? null }));
    },
  );
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  try {
    const sock = connect({
      host: '127.0.0.1',
      port: (srv.address() as AddressInfo).port,
      ca: caPem,
      key: client.key,
      cert: client.cert,
    });
    let data = '';
    sock.on('data', (d) => {
      data += d;
    });
    await once(sock, 'end');
    return JSON.parse(data) as { authorized: boolean; error: string | null };
  } finally {
    srv.close();
  }
}

describe('CRL (RFC 5280 §5) signed by the federation CA', () => {
  it('is a PEM X509 CRL that openssl-backed node:tls accepts; empty CRL revokes nobody', async () => {
    const empty = createCrl({ caCertPem: caPem, caKey, revoked: [], crlNumber: 1, now });
    expect(empty).toMatch(/^-----BEGIN X509 CRL-----\r?\n/);
    expect(await handshake(empty, good)).toEqual({ authorized: true, error: null });
    expect(await handshake(empty, bad)).toEqual({ authorized: true, error: null });
  });

  it('refuses the revoked client certificate and accepts another', async () => {
    const serial = certificateSerial(bad.cert);
    expect(serial).toBe(new X509Certificate(bad.cert).serialNumber.toLowerCase());
    const crl = createCrl({
      caCertPem: caPem,
      caKey,
      revoked: [{ serial, revokedAt: now }],
      crlNumber: 2,
      now,
    });
    expect(await handshake(crl, bad)).toEqual({ authorized: false, error: 'CERT_REVOKED' });
    expect(await handshake(crl, good)).toEqual({ authorized: true, error: null });
  });

  it('serials with the top bit set are encoded as positive integers', async () => {
    const crl = createCrl({
      caCertPem: caPem,
      caKey,
      revoked: [
        { serial: 'ff00aa', revokedAt: now },
        { serial: certificateSerial(bad.cert), revokedAt: now },
      ],
      crlNumber: 3,
      now,
    });
    expect(await handshake(crl, bad)).toEqual({ authorized: false, error: 'CERT_REVOKED' });
  });

  it('a CRL signed by another key is not accepted (every client then fails the CRL check)', async () => {
    const crl = createCrl({ caCertPem: caPem, caKey: generateTlsKey(), revoked: [], crlNumber: 1, now });
    const r = await handshake(crl, good);
    expect(r.authorized).toBe(false);
  });

  it('an expired CRL makes every client certificate fail (operators must re-issue before nextUpdate)', async () => {
    const old = new Date(now.getTime() - 40 * 86_400_000);
    const crl = createCrl({ caCertPem: caPem, caKey, revoked: [], crlNumber: 1, now: old, validDays: 30 });
    expect(await handshake(crl, good)).toEqual({ authorized: false, error: 'CRL_HAS_EXPIRED' });
  });
});

describe('crlRevokedSerials (closing connections opened before a revocation)', () => {
  it('reads the revoked serials in the spelling X509Certificate gives, top-bit serials included', () => {
    const crl = createCrl({
      caCertPem: caPem,
      caKey,
      revoked: [
        { serial: '00ff00aa', revokedAt: now },
        { serial: certificateSerial(bad.cert), revokedAt: now },
      ],
      crlNumber: 4,
      now,
    });
    const serials = crlRevokedSerials(crl, [caPem]);
    expect(serials).toEqual(new Set(['ff00aa', normaliseSerial(new X509Certificate(bad.cert).serialNumber)]));
    expect(serials.has(normaliseSerial(new X509Certificate(good.cert).serialNumber))).toBe(false);
    expect(
      crlRevokedSerials(createCrl({ caCertPem: caPem, caKey, revoked: [], crlNumber: 1, now }), [caPem]).size,
    ).toBe(0);
  });

  it('refuses a CRL not signed by the CA, a tampered one and garbage, with MOSAIC_ERR_CONFIG_INVALID', () => {
    const foreign = createCrl({ caCertPem: caPem, caKey: generateTlsKey(), revoked: [], crlNumber: 1, now });
    expect(() => crlRevokedSerials(foreign, [caPem])).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_CONFIG_INVALID' }),
    );
    const crl = createCrl({
      caCertPem: caPem,
      caKey,
      revoked: [{ serial: 'abcd', revokedAt: now }],
      crlNumber: 5,
      now,
    });
    const der = Buffer.from(crl.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const at = der.indexOf(Buffer.from([0xab, 0xcd]));
    expect(at).toBeGreaterThan(0);
    der[at] = 0xac; // revoke someone else
    const tampered = `-----BEGIN X509 CRL-----\n${der.toString('base64')}\n-----END X509 CRL-----\n`;
    expect(() => crlRevokedSerials(tampered, [caPem])).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_CONFIG_INVALID' }),
    );
    expect(() =>
      crlRevokedSerials('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n', [caPem]),
    ).toThrow(expect.objectContaining({ code: 'MOSAIC_ERR_CONFIG_INVALID' }));
  });
});

describe('revokeCertificate (federation authority)', () => {
  it("records every issued serial and revokes the member's current certificate into the next CRL", async () => {
    const root = mkdtempSync(join(tmpdir(), 'mosaic-crl-'));
    try {
      const dir = join(root, 'authority');
      const passphrase = 'crl-test-passphrase';
      initFederation({ dir, federation: 'crl', passphrase, purposes: ['p'], now });
      expect(readFileSync(join(dir, 'crl.pem'), 'utf8')).toMatch(/^-----BEGIN X509 CRL-----/);
      const request = initNode({
        dir: join(root, 'ro'),
        agencyId: 'ro-police',
        name: 'RO',
        country: 'RO',
        endpoint: 'https://127.0.0.1:1',
      });
      const first = admitMember({ dir, request, passphrase, groups: [], now });
      const second = admitMember({ dir, request, passphrase, groups: [], now });
      expect(() => revokeCertificate({ dir, passphrase, now, agencyId: 'nobody' })).toThrow(
        expect.objectContaining({ code: 'MOSAIC_ERR_TRUST_UNKNOWN_AGENCY' }),
      );
      const r = revokeCertificate({ dir, passphrase, now, agencyId: 'ro-police' });
      expect(r.serial).toBe(certificateSerial(second.certPem));
      expect(r.crlNumber).toBe(2);
      const certs = JSON.parse(readFileSync(join(dir, 'certificates.json'), 'utf8'));
      expect(certs.issued.map((c: { serial: string }) => c.serial)).toEqual([
        certificateSerial(first.certPem),
        certificateSerial(second.certPem),
      ]);
      // Revoking again adds no second entry, but still signs a newer CRL.
      expect(revokeCertificate({ dir, passphrase, now, agencyId: 'ro-police' }).crlNumber).toBe(3);
      expect(JSON.parse(readFileSync(join(dir, 'certificates.json'), 'utf8')).revoked).toHaveLength(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
