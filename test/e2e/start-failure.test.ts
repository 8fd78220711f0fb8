import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFederation, type Federation, PASSPHRASE, provisionPersons } from './harness.js';

const BIN = join(import.meta.dirname, '../../dist/gateway/cli/main.js');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'graph');

describe('a node that cannot start', () => {
  let fed: Federation;
  let squatter: Server;
  let port: number;

  beforeAll(async () => {
    fed = await createFederation([{ id: 'hu-border', country: 'HU' }]);
    const imported = await provisionPersons(fed, 'hu-border', join(FIXTURES, 'hu-border'));
    expect(imported.code, imported.err).toBe(0);
    squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    port = (squatter.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => squatter.close(r));
    fed.cleanup();
  });

  it('exits with an error when its peer port is taken, even with match threads running', async () => {
    const config = join(fed.nodeDirs.get('hu-border')!, 'mosaic.yaml');
    // The peer listener on the squatter's port; data configured, so the node opens its match threads first.
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8').replace(/port: \d+/, `port: ${port}`)}`.replace(
        /data: \{ path: data\/records.db \}/,
        'data: { path: data/records.db, matchWorkers: 1 }',
      ),
    );
    expect(readFileSync(config, 'utf8')).toContain('matchWorkers: 1');
    const child = spawn(process.execPath, [BIN, 'node', 'start', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MOSAIC_PASSPHRASE: PASSPHRASE },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exit = await new Promise<number | null | 'hung'>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('hung');
      }, 15_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    expect(exit, stderr).not.toBe('hung');
    expect(exit).not.toBe(0);
    expect(stderr).toMatch(/EADDRINUSE|address already in use|MOSAIC_ERR/i);
  });
});
