// What the rest of the gateway needs from the MCP side: list the tools, call one for a caller, close.
// The warm pool (pool/) implements it; tests may implement it in memory.
import type { ToolCallResult } from '@leadlovers/tool-result';
import type { CallerMeta } from '@leadlovers/tools';

export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

export interface ToolCallRequest {
  name: string;
  arguments: Record<string, unknown>;
  caller: CallerMeta;
  /** W3C trace context of the call's span (tracing on): sent to the MCP server as `_meta.traceparent`. */
  traceparent?: string;
  /** Overrides the runner's default per-call timeout. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * MCP progress notifications of this call. Each one also restarts the call's timeout (the MCP
   * resetTimeoutOnProgress rule), up to four times the timeout in all.
   */
  onProgress?: (progress: ToolProgress) => void;
  /**
   * The tool only reads, so running it twice is harmless: if its MCP server dies mid-call, it is retried once.
   * Defaults to the runner's own knowledge (configured read-only tools, the server's readOnlyHint annotations).
   */
  readOnly?: boolean;
}

export interface ToolProgress {
  progress: number;
  total?: number;
  message?: string;
}

/** A tool that ran and answered: its structured result, or the error the tool itself reported (one contract). */
export type { ToolCallResult };

export interface PoolStats {
  workers: number;
  readyWorkers: number;
  inFlight: number;
  queued: number;
  childRestarts: number;
}

/**
 * Runs MCP tool calls. Failures of the machinery (not of the tool) are thrown as GatewayError with code
 * BUSY (queue full), TIMEOUT (per-call timeout), or TOOL_UNAVAILABLE (child died / not ready).
 */
export interface ToolRunner {
  listTools(): Promise<ToolInfo[]>;
  callTool(request: ToolCallRequest): Promise<ToolCallResult>;
  stats(): PoolStats;
  close(): Promise<void>;
}
