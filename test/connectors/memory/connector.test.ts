import { describe, expect, it } from 'vitest';
import { MemoryConnector } from '../../../connectors/index.js';
import { connectorContract } from '../contract.js';

connectorContract('memory', async (fixtures) => {
  const c = new MemoryConnector();
  for (const f of fixtures) c.load(f.dataset, f.records, f.settings ?? {});
  return c;
});

describe('memory connector', () => {
  it('validates records against the entity schema', () => {
    const c = new MemoryConnector();
    expect(() => c.load('d', [{ id: '', kind: 'person', attributes: {}, meta: {}, links: [] }])).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_CONNECTOR_RECORD_INVALID' }),
    );
  });
});
