import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { logger } from './logger.ts';

/**
 * OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then (and only then) the SDK is loaded, every
 * request a process serves is a server span continuing the caller's W3C `traceparent`, every outbound HTTP call
 * (fetch and undici, i.e. gateway → subgraph, subgraph → subgraph, session lookups) a client span that passes it on,
 * and spans are exported over OTLP/HTTP to that endpoint. Without it the API below is OpenTelemetry's no-op: no span
 * is made and nothing is sent anywhere.
 */
let shutdownTracing: (() => Promise<void>) | undefined;

export async function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT || shutdownTracing) return Boolean(shutdownTracing);
  const [{ TracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { AsyncLocalStorageContextManager }, core, resources, undici] =
    await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/instrumentation-undici'),
    ]);
  const provider = new TracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? serviceName }),
    // The exporter reads the endpoint, headers and timeout from the standard OTEL_EXPORTER_OTLP_* variables.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const outbound = new undici.UndiciInstrumentation();
  outbound.setTracerProvider(provider);
  outbound.enable();
  shutdownTracing = async () => {
    outbound.disable();
    await provider.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'flushing the last spans failed'));
  };
  logger.info({ endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT }, 'tracing on');
  return true;
}

/** Flushes and stops the exporter (a stopping process calls it last). */
export async function stopTracing(): Promise<void> {
  await shutdownTracing?.();
}

const tracer = () => trace.getTracer('wrk');

/** The server span of an incoming request, child of the caller's `traceparent` (a no-op span when tracing is off). */
export function serverSpan(service: string, method: string, route: string, headers: IncomingHttpHeaders): { span: Span; context: Context } {
  const parent = propagation.extract(context.active(), headers);
  const span = tracer().startSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes: { 'wrk.service': service } }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

export function endServerSpan(span: Span, status: number, requestId: string): void {
  span.setAttributes({ 'http.response.status_code': status, 'wrk.request_id': requestId });
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

export const runInSpanContext = <T>(spanContext: Context, fn: () => T): T => context.with(spanContext, fn);
