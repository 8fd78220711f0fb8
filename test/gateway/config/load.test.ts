import { describe, expect, it } from 'vitest';
import type { MosaicError } from '../../../contracts/index.js';
import { loadNodeConfig, parseNodeConfig } from '../../../gateway/config/load.js';

const GOOD = `agency:
  id: ro-police
  name: Poliția Română
  country: RO
endpoint: https://ro.example:8443
listen:
  peer: { host: 127.0.0.1, port: 8443 }
  api: { port: 8080 }
tls: { key: tls/key.pem, cert: tls/cert.pem, ca: federation/ca.pem }
signing: { key: keys/signing.key.pem }
trustList: { source: https://authority.example/trust-list.jws, anchors: federation/anchors.json }
audit: { logKey: keys/log.key.pem, witnessKey: keys/witness.key.pem }
`;

function problems(text: string) {
  try {
    parseNodeConfig(text, '/etc/mosaic/mosaic.yaml');
  } catch (err) {
    return (err as MosaicError).issues.map((i) => `${i.line}:${i.path}: ${i.message}`);
  }
  throw new Error('expected the configuration to be refused');
}

describe('node configuration', () => {
  it('applies defaults, resolves relative paths against the file and freezes the result', () => {
    const c = parseNodeConfig(GOOD, '/etc/mosaic/mosaic.yaml');
    expect(c.tls.key).toBe('/etc/mosaic/tls/key.pem');
    expect(c.trustList.source).toBe('https://authority.example/trust-list.jws');
    expect(c.listen.api.host).toBe('127.0.0.1');
    expect(c.protocol).toEqual({
      clockToleranceSeconds: 30,
      maxQueryLifetimeSeconds: 120,
      hitRefDays: 90,
      maxOpenDisclosuresPerPeer: 50,
      maxBodyBytes: 65536,
      requestTimeoutMs: 10000,
      rateLimit: { perSecond: 500, burst: 1000 },
    });
    expect(c.dataDir).toBe('/etc/mosaic/data');
    expect(Object.isFrozen(c.tls)).toBe(true);
  });

  it('reports every problem at once, each with its line and path', () => {
    const bad = GOOD.replace('country: RO', 'country: Romania')
      .replace('port: 8443', 'port: 99999')
      .replace(
        'signing: { key: keys/signing.key.pem }',
        'signing: { key: keys/signing.key.pem, passphrase: hunter2 }',
      );
    expect(problems(bad)).toEqual([
      '4:/agency/country: must match pattern "^[A-Z]{2}$"',
      '7:/listen/peer/port: must be <= 65535',
      '10:/signing/passphrase: is not allowed (unknown key)',
    ]);
  });

  it.each([
    ['a missing section', GOOD.replace(/tls: .*\n/, ''), '1:/tls: is required'],
    ['an unknown top-level key', `${GOOD}colour: blue\n`, '13:/colour: is not allowed (unknown key)'],
    [
      'a plain-http endpoint',
      GOOD.replace('https://ro.example', 'http://ro.example'),
      '5:/endpoint: must match pattern "^https://"',
    ],
    [
      'a hostile __proto__ key',
      `${GOOD}__proto__: { admin: true }\n`,
      '13:/__proto__: is not allowed (unknown key)',
    ],
    [
      'a string where a number belongs',
      GOOD.replace('port: 8080', 'port: "8080"'),
      '8:/listen/api/port: must be integer',
    ],
  ])('refuses %s precisely', (_n, text, expected) => {
    expect(problems(text)).toContain(expected);
  });

  it('refuses malformed YAML and duplicate keys with their line', () => {
    expect(problems(`${GOOD}agency: { id: x }\n`)[0]).toMatch(/^13:: Map keys must be unique/);
    expect(problems('agency: [unclosed\n')[0]).toMatch(/^\d+::/);
  });

  it('names a missing file', () => {
    expect(() => loadNodeConfig('/nonexistent/mosaic.yaml')).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_CONFIG_NOT_FOUND', detail: '/nonexistent/mosaic.yaml' }),
    );
  });

  it('takes overrides from MOSAIC__ environment variables, validated like the file', () => {
    const c = parseNodeConfig(GOOD, '/etc/mosaic/mosaic.yaml', {
      MOSAIC__LISTEN__PEER__PORT: '9443',
      MOSAIC__protocol__clockToleranceSeconds: '5',
      MOSAIC__trustList__source: '/srv/trust-list.jws',
      HOME: '/root',
    });
    expect(c.listen.peer.port).toBe(9443);
    expect(c.protocol.clockToleranceSeconds).toBe(5);
    expect(c.trustList.source).toBe('/srv/trust-list.jws');
    const bad = () =>
      parseNodeConfig(GOOD, '/etc/mosaic/mosaic.yaml', {
        MOSAIC__LISTEN__PEER__PORT: 'ninety',
        MOSAIC__colour: 'blue',
      });
    expect(bad).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          expect.objectContaining({ file: 'env MOSAIC__LISTEN__PEER__PORT', path: '/listen/peer/port' }),
          expect.objectContaining({
            file: 'env MOSAIC__colour',
            path: '/colour',
            message: 'is not allowed (unknown key)',
          }),
        ]),
      }),
    );
    expect(() => parseNodeConfig(GOOD, '/x.yaml', { MOSAIC____proto____admin: 'true' })).not.toThrow();
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
});
