import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MosaicNode } from '../../../gateway/node/node.js';
import { MOSAIC_VERSION } from '../../../gateway/version.js';
import { createFederation, type Federation, startNodes, stopNodes } from '../../e2e/harness.js';

interface Operation {
  operationId: string;
  'x-mosaic-roles': string[];
}

describe('OpenAPI document', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  let doc: { openapi: string; info: { version: string }; paths: Record<string, Record<string, Operation>> };
  let api: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    fed = await createFederation([{ id: 'ro-police', country: 'RO' }]);
    nodes = await startNodes(fed);
    const node = nodes.get('ro-police')!;
    api = node.apiUrl;
    for (const role of ['analyst', 'disclosure-officer', 'auditor', 'admin'] as const) {
      tokens[role] = node.users.add(`u-${role}`, role, new Date()).token;
    }
    doc = (await (await fetch(`${api}/api/v1/openapi.json`)).json()) as typeof doc;
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  it('is OpenAPI 3.1 with the package version', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(MOSAIC_VERSION);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(MOSAIC_VERSION).toBe(pkg.version);
  });

  it('documents only operations the node serves, each refusing a missing token and every role it does not list', async () => {
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(ops.length).toBeGreaterThan(0);
    for (const { path, method, op } of ops) {
      const url = `${api}${path.replace(/\{[^}]+\}/g, 'x')}`;
      const anonymous = await fetch(url, { method: method.toUpperCase() });
      expect([op.operationId, anonymous.status]).toEqual([op.operationId, 401]);
      for (const role of Object.keys(tokens)) {
        if (op['x-mosaic-roles'].includes(role)) continue;
        const r = await fetch(url, {
          method: method.toUpperCase(),
          headers: { authorization: `Bearer ${tokens[role]}` },
        });
        expect([op.operationId, role, r.status]).toEqual([op.operationId, role, 403]);
      }
    }
  });

  it('serves nothing undocumented under /api/v1', async () => {
    const r = await fetch(`${api}/api/v1/not-a-route`, {
      headers: { authorization: `Bearer ${tokens['admin']}` },
    });
    expect([r.status, ((await r.json()) as { code: string }).code]).toEqual([
      404,
      'MOSAIC_ERR_REQUEST_NOT_FOUND',
    ]);
  });
});
