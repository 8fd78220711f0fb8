import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  createCsr,
  generateTlsKey,
  issueCertificate,
} from '../../../gateway/pki/x509.js';
import { fetchTrustList } from '../../../gateway/trust/source.js';

describe('trust list source', () => {
  it('fetches from an https URL, trusting the configured CA, and maps failures to a code', async () => {
    const caKey = generateTlsKey();
    const ca = createCertificateAuthority(caKey, 'authority', new Date());
    const key = generateTlsKey();
    const cert = issueCertificate(
      ca,
      caKey,
      createCsr(key, { agencyId: 'authority', name: 'A', country: 'EU' }, ['127.0.0.1']),
      new Date(),
    );
    const server = createServer({ key: key.export({ type: 'pkcs8', format: 'pem' }), cert }, (req, res) => {
      if (req.url === '/trust-list.jws') res.end('header.payload.signature\n');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await fetchTrustList(`${base}/trust-list.jws`, { ca })).toBe('header.payload.signature\n');
      await expect(fetchTrustList(`${base}/missing`, { ca })).rejects.toMatchObject({
        code: 'MOSAIC_ERR_TRUST_LIST_UNAVAILABLE',
      });
      // Without the CA the server is not trusted: refused, not fetched.
      await expect(fetchTrustList(`${base}/trust-list.jws`)).rejects.toMatchObject({
        code: 'MOSAIC_ERR_TRUST_LIST_UNAVAILABLE',
      });
      await expect(fetchTrustList('/nonexistent/trust-list.jws')).rejects.toMatchObject({
        code: 'MOSAIC_ERR_TRUST_LIST_UNAVAILABLE',
      });
    } finally {
      server.close();
    }
  });
});
