/**
 * The only module that starts the OpenTelemetry SDK (DESIGN: everything else uses @opentelemetry/api, so a
 * node without telemetry pays nothing but no-op calls). Export is off by default; with an OTLP endpoint the
 * spans go there in batches.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  readonly serviceName: string;
  /** OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces. */
  readonly otlpEndpoint?: string;
  /** An exporter of the caller's (tests use an in-memory one); spans are exported one by one. */
  readonly exporter?: SpanExporter;
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

export function startTelemetry(o: TelemetryOptions): Telemetry {
  const processors = [
    ...(o.otlpEndpoint ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: o.otlpEndpoint }))] : []),
    ...(o.exporter ? [new SimpleSpanProcessor(o.exporter)] : []),
  ];
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': o.serviceName }),
    spanProcessors: processors,
    // Spans are made by Mosaic's own code at the points that matter; no monkey-patching of modules.
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
