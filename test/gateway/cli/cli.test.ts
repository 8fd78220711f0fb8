import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../gateway/cli/main.js';
import { cli, PASSPHRASE } from '../../e2e/harness.js';

describe('mosaic CLI', () => {
  let root: string;
  let fed: string;
  let node: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mosaic-cli-'));
    fed = join(root, 'fed');
    node = join(root, 'ro');
    expect((await cli(['federation', 'init', '--dir', fed, '--name', 'eu-fed'])).code).toBe(0);
    const init = await cli([
      'node',
      'init',
      '--dir',
      node,
      '--agency',
      'ro-police',
      '--country',
      'RO',
      '--endpoint',
      'https://10.0.0.5:8443',
    ]);
    expect(init.code).toBe(0);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(COMMANDS.map((c) => [c.path.join(' '), c] as const))(
    '`%s --help` prints its usage',
    async (_n, cmd) => {
      const r = await cli([...cmd.path, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`mosaic ${cmd.path.join(' ')}`);
      for (const name of Object.keys(cmd.options)) expect(r.out).toContain(`--${name}`);
    },
  );

  it('writes private keys readable by the owner only, and public files readable by all', () => {
    for (const f of [
      join(fed, 'authority.key.pem'),
      join(fed, 'ca.key.pem'),
      join(node, 'tls/key.pem'),
      join(node, 'keys/signing.key.pem'),
    ]) {
      expect(statSync(f).mode & 0o777, f).toBe(0o600);
    }
    expect(statSync(join(fed, 'ca.pem')).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(fed, 'authority.key.pem'), 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
  });

  it('runs admit and publish, and the node config then checks out', async () => {
    const admit = await cli([
      'federation',
      'admit',
      '--dir',
      fed,
      '--request',
      join(node, 'membership-request.json'),
      '--out',
      node,
      '--groups',
      'jit-danube',
    ]);
    expect(admit.code, admit.err).toBe(0);
    expect(existsSync(join(node, 'tls/cert.pem'))).toBe(true);
    const pub = await cli(['federation', 'publish', '--dir', fed]);
    expect(pub.out).toContain('version 1');
    const check = await cli(['config', 'check', '--config', join(node, 'mosaic.yaml')]);
    expect(check.code, check.err).toBe(0);
  });

  it.each<[string, string[], NodeJS.ProcessEnv, number, RegExp]>([
    ['an unknown command', ['federation', 'destroy'], {}, 2, /unknown command 'federation destroy'/],
    [
      'a missing required option',
      ['node', 'init', '--dir', '/tmp/x'],
      {},
      2,
      /missing --agency, --country, --endpoint/,
    ],
    [
      'an unknown option',
      ['federation', 'publish', '--dir', 'x', '--force'],
      {},
      2,
      /Unknown option '--force'/,
    ],
    [
      'an unexpected argument',
      ['federation', 'publish', '--dir', 'x', 'extra'],
      {},
      2,
      /expected 0 argument/,
    ],
    [
      'a bad country code',
      ['node', 'init', '--dir', '/tmp/y', '--agency', 'x1', '--country', 'ro', '--endpoint', 'https://a'],
      {},
      2,
      /ISO 3166-1/,
    ],
    [
      'a plain-http endpoint',
      ['node', 'init', '--dir', '/tmp/y', '--agency', 'x1', '--country', 'RO', '--endpoint', 'http://a'],
      {},
      2,
      /https:\/\//,
    ],
    [
      'no passphrase at all',
      ['federation', 'publish', '--dir', 'FED'],
      { MOSAIC_PASSPHRASE: '' },
      2,
      /passphrase is required/,
    ],
    [
      'a wrong passphrase',
      ['federation', 'publish', '--dir', 'FED'],
      { MOSAIC_PASSPHRASE: 'wrong passphrase' },
      1,
      /MOSAIC_ERR_KEY_BAD_PASSPHRASE/,
    ],
    [
      'a missing request file',
      ['federation', 'admit', '--dir', 'FED', '--request', '/nonexistent.json'],
      {},
      1,
      /MOSAIC_ERR_CONFIG_NOT_FOUND.*nonexistent/,
    ],
    [
      'an unknown agency',
      ['federation', 'update-member', '--dir', 'FED', '--agency', 'xx-nobody', '--groups', 'a'],
      {},
      1,
      /MOSAIC_ERR_TRUST_UNKNOWN_AGENCY.*xx-nobody/,
    ],
    [
      'a version that does not increase',
      ['federation', 'publish', '--dir', 'FED', '--version', '1'],
      {},
      1,
      /MOSAIC_ERR_TRUST_LIST_ROLLBACK/,
    ],
    [
      'a second init over a federation',
      ['federation', 'init', '--dir', 'FED', '--name', 'again'],
      {},
      1,
      /MOSAIC_ERR_CLI_EXISTS/,
    ],
    [
      'a short passphrase',
      ['federation', 'init', '--dir', '/tmp/mosaic-never', '--name', 'x'],
      { MOSAIC_PASSPHRASE: 'short' },
      2,
      /at least 8/,
    ],
  ])('fails clearly on %s', async (_n, args, env, code, message) => {
    const r = await cli(
      args.map((a) => a.replace('FED', fed)),
      env,
    );
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
  });

  it('refuses a membership request whose CSR was tampered with or names another agency', async () => {
    const request = JSON.parse(readFileSync(join(node, 'membership-request.json'), 'utf8'));
    const tampered = join(root, 'tampered.json');
    // Flip one base64 character on each body line in turn: every variant must be refused.
    const lines = (request.csr as string).split('\n');
    for (let i = 1; i < lines.length - 2; i++) {
      const l = [...lines];
      const line = l[i]!;
      l[i] = `${line.slice(0, 30)}${line[30] === 'A' ? 'B' : 'A'}${line.slice(31)}`;
      writeFileSync(tampered, JSON.stringify({ ...request, csr: l.join('\n') }));
      const r = await cli(['federation', 'admit', '--dir', fed, '--request', tampered]);
      expect([i, r.code, r.err]).toEqual([i, 1, expect.stringMatching(/MOSAIC_ERR_CSR_INVALID/)]);
    }
    const other = join(root, 'other.json');
    writeFileSync(other, JSON.stringify({ ...request, agencyId: 'hu-border' }));
    const r2 = await cli(['federation', 'admit', '--dir', fed, '--request', other]);
    expect([r2.code, r2.err]).toEqual([
      1,
      expect.stringMatching(/MOSAIC_ERR_CSR_INVALID: .*\(CSR CN is not the agency id\)/),
    ]);
  });

  it('reports every config problem with file and line', async () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(
      bad,
      readFileSync(join(node, 'mosaic.yaml'), 'utf8').replace('country: RO', 'country: Romania') +
        'extra: 1\n',
    );
    const r = await cli(['config', 'check', '--config', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.yaml:\d+ \/agency\/country: must match pattern/);
    expect(r.err).toMatch(/bad\.yaml:\d+ \/extra: is not allowed \(unknown key\)/);
  });

  it('is installed as a bin that exits non-zero on bad input (compiled entry point)', () => {
    const bin = join(import.meta.dirname, '../../../dist/gateway/cli/main.js');
    if (!existsSync(bin)) throw new Error('run `npm run build` first: the bin is the compiled entry point');
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('federation init');
    const bad = spawnSync(process.execPath, [bin, 'federation', 'publish', '--dir', fed], {
      encoding: 'utf8',
      env: { ...process.env, MOSAIC_PASSPHRASE: `${PASSPHRASE}!` },
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('MOSAIC_ERR_KEY_BAD_PASSPHRASE');
  });
});
