import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MosaicNode } from '../../gateway/node/node.js';
import { permitEnvelopeOnly } from '../../gateway/peer/ports.js';
import { startTelemetry, type Telemetry } from '../../gateway/telemetry.js';
import { createFederation, type Federation, startNodes, stopNodes } from './harness.js';

describe('tracing one federated search across three nodes', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  let token: string;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'mosaic-test', exporter });
    fed = await createFederation([
      { id: 'ro-police', country: 'RO' },
      { id: 'hu-border', country: 'HU' },
      { id: 'at-labour', country: 'AT' },
    ]);
    nodes = await startNodes(
      fed,
      (id) => (id === 'hu-border' ? { decisions: permitEnvelopeOnly } : {}),
      (id, c) => (id === 'at-labour' ? { ...c, telemetry: { propagateTraceContext: false } } : c),
    );
    token = nodes.get('ro-police')!.users.add('ana', 'analyst', new Date()).token;
  });

  afterAll(async () => {
    await stopNodes(nodes);
    await telemetry.shutdown();
    fed.cleanup();
  });

  it('links the API request, the fan-out, each peer call and every responder step in one trace', async () => {
    exporter.reset();
    const ro = nodes.get('ro-police')!;
    const res = await fetch(`${ro.apiUrl}/api/v1/searches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        subject: { kind: 'phone', selectors: { number: '+40 721 555 019' } },
        purpose: 'trafficking-investigation',
        legalBasis: 'test',
        caseRef: 'TRACE-1',
      }),
    });
    const { id } = (await res.json()) as { id: string };
    await ro.searches.settle(id);
    await new Promise((r) => setTimeout(r, 50));
    const spans = exporter.getFinishedSpans();
    const search = spans.find((s) => s.name === 'mosaic.search')!;
    expect(search).toBeDefined();
    const trace = spans.filter((s) => s.spanContext().traceId === search.spanContext().traceId);
    const names = trace.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /api/v1/searches',
        'mosaic.search',
        'peer call hu-border',
        'peer call at-labour',
        'POST /fed/v1/queries',
        'authenticatePeer',
        'verifySignature',
        'checkBinding',
        'checkFreshness',
        'rejectReplay',
        'validateQuery',
        'decide',
        'match',
        'appendAudit',
        'signResponse',
      ]),
    );
    // hu-border accepts trace context, so its server span is a child of ro-police's peer call.
    const call = trace.find((s) => s.name === 'peer call hu-border')!;
    const server = trace.find(
      (s: ReadableSpan) => s.name === 'POST /fed/v1/queries' && s.attributes['mosaic.agency'] === 'hu-border',
    )!;
    expect(server.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    // at-labour has propagation switched off: its side of the exchange is a trace of its own.
    const atServer = spans.find(
      (s) => s.name === 'POST /fed/v1/queries' && s.attributes['mosaic.agency'] === 'at-labour',
    )!;
    expect(atServer.spanContext().traceId).not.toBe(search.spanContext().traceId);
    // Attributes never carry the selector value.
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('721');
  });
});
