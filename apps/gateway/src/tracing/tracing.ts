// OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) is set. Off, nothing of the
// OTel SDK is loaded and nothing is wrapped: the request path is exactly the untraced one. On, ./otel.ts is
// imported and wraps the request core, the request state, the planner and the tool runner (app.ts), so that one
// prompt is one trace: the send-prompt / call-tool span; admission and completion when they are Redis round trips;
// planning when an LLM plans; the MCP call, and in the MCP server child (through _meta.traceparent) the tool and its
// LeadLovers HTTP call. OTEL_TRACES_SAMPLER decides which requests are recorded, on both sides of the hop.
import type { Config } from '../config/config.js';
import type { Tracing } from './types.js';

export type { Tracing, TracingSettings } from './types.js';

/** undefined when tracing is off; the SDK is imported only when it is on. */
export async function loadTracing(settings: Config['tracing']): Promise<Tracing | undefined> {
  if (!settings) return undefined;
  const { createOtelTracing } = await import('./otel.js');
  return createOtelTracing(settings);
}
