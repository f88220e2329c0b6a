// The OpenTelemetry side of ../tracing/tracing.ts, imported only when tracing is on: a TracerProvider of this
// gateway (not registered globally, so several gateways in one process stay apart) exporting in batches over
// OTLP/HTTP (JSON), the AsyncLocalStorage context manager (so a request's span is the parent of what it calls),
// and the wrappers. Span attributes are identifiers and outcomes only: never a prompt, arguments, data or a token.
import { context, propagation, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { PromptResponse } from '@leadlovers/protocol';
import type { RequestCore } from '../core/request-core.js';
import type { ToolRunner } from '../mcp/types.js';
import type { Planner } from '../planner/planner.js';
import type { RequestState } from '../store/request-state.js';
import type { Tracing, TracingSettings } from './types.js';

let contextReady = false;
/** The context manager and propagator are process-wide in the OTel API: set once, by the first traced gateway. */
function ensureContext(): void {
  if (contextReady) return;
  contextReady = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

export function createOtelTracing(settings: TracingSettings): Tracing {
  ensureContext();
  const exporter = new OTLPTraceExporter({ url: settings.tracesUrl, headers: { ...settings.headers } });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'service.instance.id': settings.instanceId }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: settings.scheduleDelayMs })],
  });
  const tracer = provider.getTracer('leadlovers-gateway');

  /** Runs `work` inside a child span of the active one; `annotate` adds attributes from its result. */
  function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>, annotate?: (span: Span, value: T) => void, kind = SpanKind.INTERNAL): Promise<T> {
    return tracer.startActiveSpan(name, { kind, attributes }, (span) =>
      work().then(
        (value) => {
          annotate?.(span, value);
          span.end();
          return value;
        },
        (err: unknown) => {
          const code = (err as { code?: unknown }).code;
          span.setAttribute('code', typeof code === 'string' ? code : 'INTERNAL');
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          throw err;
        },
      ),
    );
  }

  const annotateResponse = (span: Span, response: PromptResponse): void => {
    span.setAttributes({
      requestId: response.requestId,
      code: response.isSuccess ? 'OK' : (response.code ?? 'INTERNAL'),
      isSuccess: response.isSuccess,
      ...(response.tool ? { tool: response.tool } : {}),
      ...(response.metadata.planner ? { planner: response.metadata.planner } : {}),
      ...(response.metadata.replayed ? { replayed: true } : {}),
    });
    if (!response.isSuccess) span.setStatus({ code: SpanStatusCode.ERROR });
  };

  return {
    traceCore(core: RequestCore): RequestCore {
      return {
        sendPrompt: (user, payload, port) => inSpan('send-prompt', { kind: 'prompt' }, () => core.sendPrompt(user, payload, port), annotateResponse, SpanKind.SERVER),
        callTool: (user, payload, port) => inSpan('call-tool', { kind: 'tool' }, () => core.callTool(user, payload, port), annotateResponse, SpanKind.SERVER),
      };
    },
    traceState(state: RequestState): RequestState {
      return {
        admit: (request) => inSpan('admission', { keyed: request.keyed }, () => state.admit(request), (span, admission) => span.setAttribute('admission', admission.status)),
        keepAlive: (userId, requestId, fingerprint) => state.keepAlive(userId, requestId, fingerprint),
        complete: (completion) => inSpan('completion', {}, () => state.complete(completion)),
      };
    },
    tracePlanner(planner: Planner): Planner {
      return {
        name: planner.name,
        run: (input, tools) =>
          inSpan('planning', { planner: planner.name }, () => planner.run(input, tools), (span, outcome) => {
            const model = 'model' in outcome ? outcome.model : undefined;
            span.setAttributes({ outcome: outcome.kind, planningMs: outcome.planningMs, ...(model ? { model } : {}) });
          }),
      };
    },
    traceRunner(runner: ToolRunner): ToolRunner {
      return {
        listTools: () => runner.listTools(),
        stats: () => runner.stats(),
        close: () => runner.close(),
        callTool: (request) =>
          inSpan(
            'mcp tools/call',
            { tool: request.name },
            () => {
              const carrier: Record<string, string> = {};
              propagation.inject(context.active(), carrier);
              return runner.callTool(carrier.traceparent ? { ...request, traceparent: carrier.traceparent } : request);
            },
            (span, result) => {
              span.setAttribute('code', result.ok ? 'OK' : result.code);
              if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR });
            },
            SpanKind.CLIENT,
          ),
      };
    },
    childEnv: {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: settings.tracesUrl,
      OTEL_SERVICE_NAME: settings.childServiceName,
      OTEL_BSP_SCHEDULE_DELAY: String(settings.scheduleDelayMs),
      ...(Object.keys(settings.headers).length ? { OTEL_EXPORTER_OTLP_HEADERS: Object.entries(settings.headers).map(([k, v]) => `${k}=${v}`).join(',') } : {}),
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
