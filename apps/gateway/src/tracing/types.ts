// What app.ts sees of tracing (tracing.ts loads the implementation, otel.ts, only when tracing is on).
import type { Config } from '../config/config.js';
import type { RequestCore } from '../core/request-core.js';
import type { ToolRunner } from '../mcp/types.js';
import type { Planner } from '../planner/planner.js';
import type { RequestState } from '../store/request-state.js';

export type TracingSettings = NonNullable<Config['tracing']>;

export interface Tracing {
  /** One span per send-prompt / call-tool, active while the request runs (its children attach to it). */
  traceCore(core: RequestCore): RequestCore;
  traceState(state: RequestState): RequestState;
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
