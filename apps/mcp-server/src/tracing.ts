// OpenTelemetry in the MCP server, off unless an OTLP endpoint is configured (the gateway sets one for its children
// when it traces) and the backend is the LeadLovers REST API (main.ts; the embedded store is not traced). Off, the SDK
// is never imported. On (./tracing-otel.ts), each tools/call is a span whose parent is
// the gateway's span (W3C `traceparent` in the request's _meta), and each LeadLovers API request a child of it.
import type { TracingConfig } from './config.js';
import type { ServerTracing } from './tracing-types.js';

export type { ServerTracing } from './tracing-types.js';

export async function loadServerTracing(config: TracingConfig | null): Promise<ServerTracing | undefined> {
  if (!config) return undefined;
  const { createServerTracing } = await import('./tracing-otel.js');
  return createServerTracing(config);
}
