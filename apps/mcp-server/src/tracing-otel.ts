// The OpenTelemetry side of ./tracing.ts, imported only when tracing is on: a TracerProvider exporting in batches
// over OTLP/HTTP (protobuf, or JSON with OTEL_EXPORTER_OTLP_PROTOCOL=http/json), the W3C propagator, and the two
// wrappers. The AsyncLocalStorage context manager, which carries a tool's span to the LeadLovers HTTP calls it
// makes, is set only when there are such calls (wrapFetch: the REST backend): on Node 20 it turns on promise hooks
// for every promise of the process, a cost the embedded store, which makes no HTTP call, has no reason to pay.
import { context, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { TracingConfig } from './config.js';
import type { ServerTracing } from './tracing-types.js';

export function createServerTracing(config: TracingConfig): ServerTracing {
  const propagator = new W3CTraceContextPropagator();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName, 'process.pid': process.pid }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new (config.protocol === 'http/json' ? OTLPJsonExporter : OTLPProtoExporter)({ url: config.tracesUrl, headers: { ...config.headers } }), scheduledDelayMillis: config.scheduleDelayMs })],
  });
  const tracer = provider.getTracer('leadlovers-mcp-server');

  return {
    inToolSpan(tool, meta, work) {
      const traceparent = meta?.traceparent;
      const parent = typeof traceparent === 'string' ? propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter) : ROOT_CONTEXT;
      return tracer.startActiveSpan(`tools/call ${tool}`, { kind: SpanKind.SERVER, attributes: { tool } }, parent, async (span) => {
        try {
          const result = await work();
          span.setAttribute('isError', result.isError === true);
          if (result.isError) span.setStatus({ code: SpanStatusCode.ERROR });
          return result;
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          span.end();
        }
      });
    },
    wrapFetch(fetchImpl) {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      return (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
        return tracer.startActiveSpan(
          `leadlovers ${method} ${url.pathname}`,
          { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'server.address': url.hostname, 'url.path': url.pathname } },
          async (span) => {
            try {
              const response = await fetchImpl(input, init);
              span.setAttribute('http.response.status_code', response.status);
              if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
              return response;
            } catch (err) {
              span.setAttribute('error.type', (err as Error).name);
              span.setStatus({ code: SpanStatusCode.ERROR });
              throw err;
            } finally {
              span.end();
            }
          },
        );
      };
    },
    shutdown: () => provider.shutdown(),
  };
}
