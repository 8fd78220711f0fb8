import {
  type Attributes,
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { MOSAIC_VERSION } from './version.js';

/**
 * Tracing through @opentelemetry/api only: without a started SDK (gateway/telemetry.ts) every call here is a
 * cheap no-op. Span attributes name agencies, steps and codes, never selector values.
 */
export const tracer = trace.getTracer('mosaic', MOSAIC_VERSION);

export { SpanKind };

/** Run `fn` in a new active span; errors mark the span and are rethrown. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as { code?: string }).code ?? 'error' });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** The W3C trace context of incoming headers, when propagation is on. */
export function extractContext(
  headers: Record<string, string | string[] | undefined>,
  enabled: boolean,
): Context {
  return enabled ? propagation.extract(context.active(), headers) : context.active();
}

/** Headers carrying the active trace context (empty when propagation is off or nothing is traced). */
export function injectHeaders(enabled: boolean): Record<string, string> {
  const carrier: Record<string, string> = {};
  if (enabled) propagation.inject(context.active(), carrier);
  return carrier;
}
