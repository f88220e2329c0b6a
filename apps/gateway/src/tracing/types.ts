// What app.ts sees of tracing (tracing.ts loads the implementation, otel.ts, only when tracing is on).
import type { Config } from '../config/config.js';
import type { RequestCore } from '../core/request-core.js';
import type { ToolRunner } from '../mcp/types.js';
import type { Planner } from '../planner/planner.js';
import type { RequestState } from '../store/request-state.js';

export type TracingSettings = NonNullable<Config['tracing']>;
export type TracerSampler = TracingSettings['sampler'];

export interface Tracing {
  /** One span per send-prompt / call-tool, active while the request runs (its children attach to it). */
  traceCore(core: RequestCore): RequestCore;
  /**
   * Admission registers each request's context for the layers below it; `spans`: admission and completion get spans
   * of their own (the state is shared, in Redis: a round trip each), else they are part of the request span.
   */
  traceState(state: RequestState, spans: boolean): RequestState;
  /** A planning span around an LLM planner (its model calls); the rules planner, which calls nothing, gets none. */
  tracePlanner(planner: Planner): Planner;
  /** A span per MCP call, whose context travels to the child as `_meta.traceparent`. */
  traceRunner(runner: ToolRunner): ToolRunner;
  /** The variables that make an MCP child export its spans to the same collector. */
  readonly childEnv: Record<string, string>;
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}
