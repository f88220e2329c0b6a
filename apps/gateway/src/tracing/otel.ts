// The OpenTelemetry side of ../tracing/tracing.ts, imported only when tracing is on: a TracerProvider of this
// gateway (not registered globally, so several gateways in one process stay apart) exporting in batches over
// OTLP/HTTP (protobuf, the spec's default, or JSON: OTEL_EXPORTER_OTLP_PROTOCOL), with the sampler of
// OTEL_TRACES_SAMPLER, and the wrappers. Span attributes are identifiers and outcomes only: never a prompt,
// arguments, data or a token.
//
// Parents are passed explicitly, not through OTel's AsyncLocalStorage context manager: on Node 20 an
// AsyncLocalStorage turns on promise hooks for every promise of the process, which cost more than the spans
// themselves (bench section `tracing`). A request's span is found by its inner layers through what they are
// handed anyway: admission is called synchronously while the request span is being started (`starting`), and
// registers the request's context under its user and requestId; the planner and the tool runner see that key in
// the request's caller; completion sees it in the completion.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, isSpanContextValid, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler } from '@opentelemetry/sdk-trace';
import type { AuthenticatedUser, PromptResponse } from '@leadlovers/protocol';
import type { CallerMeta } from '@leadlovers/tools';
import type { RequestCore } from '../core/request-core.js';
import type { ReplyPort } from '../core/types.js';
import type { ToolCallRequest, ToolRunner } from '../mcp/types.js';
import type { Planner } from '../planner/planner.js';
import type { RequestState } from '../store/request-state.js';
import type { TracerSampler, Tracing, TracingSettings } from './types.js';

function samplerOf(setting: TracerSampler): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(setting.ratio);
  switch (setting.name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** The request with the W3C traceparent of `span` (what W3CTraceContextPropagator.inject writes, without a carrier). */
function withTraceparent(request: ToolCallRequest, span: Span | undefined): ToolCallRequest {
  const context = span?.spanContext();
  if (!context || !isSpanContextValid(context)) return request;
  return { ...request, traceparent: `00-${context.traceId}-${context.spanId}-0${(context.traceFlags & TraceFlags.SAMPLED).toString(16)}` };
}

const keyOf = (userId: string, requestId: string | undefined): string => `${userId}\u0000${requestId ?? ''}`;

/** A request span being started: admission, called synchronously inside it, registers its context. */
interface Starting {
  context: Context;
  key: string | undefined;
}

export function createOtelTracing(settings: TracingSettings): Tracing {
  const exporter = new (settings.protocol === 'http/json' ? OTLPJsonExporter : OTLPProtoExporter)({ url: settings.tracesUrl, headers: { ...settings.headers } });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'service.instance.id': settings.instanceId }),
    sampler: samplerOf(settings.sampler),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: settings.scheduleDelayMs })],
  });
  const tracer = provider.getTracer('leadlovers-gateway');

  let starting: Starting | undefined;
  /** The context of each request between its admission and the end of its span, by user and requestId. */
  const requests = new Map<string, Context>();
  /** The planning span's context per caller (one caller object per request, handed on to every tool call). */
  const planning = new WeakMap<CallerMeta, Context>();

  /** The recording context a request's inner span is the child of; undefined: the request is not sampled. */
  const recording = (context: Context | undefined): Context | undefined => (context && trace.getSpan(context)?.isRecording() ? context : undefined);

  /** Runs `work` in a child span of `parent`; `annotate` adds attributes from its result. */
  function inSpan<T>(parent: Context, name: string, attributes: Attributes, work: (span: Span) => Promise<T>, annotate?: (span: Span, value: T) => void, kind = SpanKind.INTERNAL): Promise<T> {
    const span = tracer.startSpan(name, { kind, attributes }, parent);
    return work(span).then(
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
    );
  }

  const annotateResponse = (span: Span, response: PromptResponse): void => {
    if (!span.isRecording()) return;
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

  /** The request span around one send-prompt / call-tool; its context is `starting` while the core's synchronous part runs. */
  function traced(name: string, kind: string, run: (user: AuthenticatedUser, payload: unknown, port: ReplyPort) => Promise<PromptResponse>) {
    return (user: AuthenticatedUser, payload: unknown, port: ReplyPort): Promise<PromptResponse> => {
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: { kind } }, ROOT_CONTEXT);
      const own: Starting = { context: trace.setSpan(ROOT_CONTEXT, span), key: undefined };
      const outer = starting;
      starting = own;
      let promise: Promise<PromptResponse>;
      try {
        promise = run(user, payload, port);
      } finally {
        starting = outer;
      }
      const forget = () => {
        if (own.key !== undefined && requests.get(own.key) === own.context) requests.delete(own.key);
      };
      return promise.then(
        (response) => {
          annotateResponse(span, response);
          span.end();
          forget();
          return response;
        },
        (err: unknown) => {
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          forget();
          throw err;
        },
      );
    };
  }

  return {
    traceCore(core: RequestCore): RequestCore {
      return { sendPrompt: traced('send-prompt', 'prompt', core.sendPrompt), callTool: traced('call-tool', 'tool', core.callTool) };
    },
    traceState(state: RequestState, spans: boolean): RequestState {
      return {
        admit: (request) => {
          // Called synchronously inside the request span's start (see traced): the request's context from now on.
          // A second attempt with the same requestId while the first runs keeps the first's registration.
          const own = starting;
          let context: Context | undefined;
          if (own && own.key === undefined) {
            const key = keyOf(request.userId, request.requestId);
            if (!requests.has(key)) {
              own.key = key;
              requests.set(key, own.context);
            }
            context = recording(own.context);
          }
          if (!spans || !context) return state.admit(request);
          return inSpan(context, 'admission', { keyed: request.keyed }, () => state.admit(request), (span, admission) => span.setAttribute('admission', admission.status));
        },
        keepAlive: (userId, requestId, fingerprint) => state.keepAlive(userId, requestId, fingerprint),
        complete: (completion) => {
          const context = spans ? recording(requests.get(keyOf(completion.userId, completion.requestId))) : undefined;
          return context ? inSpan(context, 'completion', {}, () => state.complete(completion)) : state.complete(completion);
        },
      };
    },
    tracePlanner(planner: Planner): Planner {
      // The rules planner decides in microseconds and calls nothing but the tool, whose span is the request's child.
      if (planner.name === 'rules') return planner;
      return {
        name: planner.name,
        run: (input, tools) => {
          const context = recording(requests.get(keyOf(input.caller.userId, input.caller.requestId)));
          if (!context) return planner.run(input, tools);
          return inSpan(
            context,
            'planning',
            { planner: planner.name },
            (span) => {
              planning.set(input.caller, trace.setSpan(context, span));
              return planner.run(input, tools);
            },
            (span, outcome) => {
              const model = 'model' in outcome ? outcome.model : undefined;
              span.setAttributes({ outcome: outcome.kind, planningMs: outcome.planningMs, ...(model ? { model } : {}) });
            },
          );
        },
      };
    },
    traceRunner(runner: ToolRunner): ToolRunner {
      return {
        listTools: () => runner.listTools(),
        stats: () => runner.stats(),
        close: () => runner.close(),
        callTool: (request) => {
          const { caller } = request;
          const parent = planning.get(caller) ?? requests.get(keyOf(caller.userId, caller.requestId));
          if (!parent) return runner.callTool(request);
          // Not part of a sampled request: the child hears that too (traceparent's sampled flag), and records nothing.
          if (!recording(parent)) return runner.callTool(withTraceparent(request, trace.getSpan(parent)));
          return inSpan(
            parent,
            'mcp tools/call',
            { tool: request.name },
            (span) => runner.callTool(withTraceparent(request, span)),
            (span, result) => {
              span.setAttribute('code', result.ok ? 'OK' : result.code);
              if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR });
            },
            SpanKind.CLIENT,
          );
        },
      };
    },
    childEnv: {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: settings.tracesUrl,
      OTEL_SERVICE_NAME: settings.childServiceName,
      OTEL_BSP_SCHEDULE_DELAY: String(settings.scheduleDelayMs),
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: settings.protocol,
      ...(Object.keys(settings.headers).length ? { OTEL_EXPORTER_OTLP_HEADERS: Object.entries(settings.headers).map(([k, v]) => `${k}=${v}`).join(',') } : {}),
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
