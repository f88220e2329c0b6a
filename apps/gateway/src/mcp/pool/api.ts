// The warm pool's public surface: its options, the child lifecycle events it publishes, the McpPool interface
// (a ToolRunner plus child pids and events), the sampler that answers the children's MCP sampling requests, and
// the error createMcpPool rejects with.
import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { ToolRunner } from '../types.js';

/** Answers an MCP server's sampling/createMessage with an LLM (planner/sampling.ts); `signal` aborts it. */
export type Sampler = (params: CreateMessageRequest['params'], signal: AbortSignal) => Promise<CreateMessageResult>;

export interface McpPoolOptions {
  /** MCP server children (each with its worker: a thread, or inline on the main thread). */
  size: number;
  /**
   * Run the workers on the main thread instead of one piscina thread each (default false). Cheaper per call (no
   * thread hop, no structured clone) and lower latency; threads keep the children's JSON traffic, large results
   * included, off the event loop and spread it over cores.
   */
  inline?: boolean;
  /** The server executable. Give node itself (see nodeCommand()), not a shell, npm or the tsx CLI: close() kills
   * the process it spawned, and a wrapper's own children would outlive it. */
  command: string;
  args: string[];
  /** Added to the inherited PATH, HOME, NODE_ENV and LOG_LEVEL; nothing else reaches the child. */
  env?: Record<string, string>;
  cwd?: string;
  /** Default per-call timeout, queueing included (default 15 000). */
  callTimeoutMs?: number;
  /** Calls allowed to wait for a free slot across the pool; one more gets BUSY at once. */
  maxQueue: number;
  /** Calls in flight at once on each worker's one MCP client (default 32). */
  concurrentCallsPerWorker?: number;
  logger: Logger;
  /** Delay before respawning a dead child: initialMs, doubling per consecutive failure, up to maxMs. */
  respawn?: { initialMs: number; maxMs: number };
  /** Bound on start-up (every child initialised) and on each respawned child's handshake (default 20 000). */
  startTimeoutMs?: number;
  /** How long a call waits for a child that is restarting before TOOL_UNAVAILABLE (default 1000; 0 = fail fast). */
  unavailableWaitMs?: number;
  /** Tools safe to run twice: retried once when their child dies mid-call. Tools annotated readOnlyHint count too. */
  readOnlyTools?: readonly string[];
  onEvent?: (event: PoolEvent) => void;
  /** With it, the children's MCP client declares the sampling capability and answers sampling/createMessage with
   * it (create_email_content then writes with the LLM). Without it, no sampling: the server uses its templates. */
  sampling?: Sampler;
  /** Bound on each sampling request, as the worker waits for the main thread's answer (default 10 000). */
  samplingTimeoutMs?: number;
}

/** What happens to the pool's children, for logs and metrics. `workerId` is the worker's threadId. */
export type PoolEvent =
  | { type: 'child-spawned'; workerId: number; pid: number; restart: boolean }
  | { type: 'child-ready'; workerId: number; pid: number; restart: boolean }
  | {
      type: 'child-exit';
      workerId: number;
      pid: number;
      code: number | null;
      signal: string | null;
      expected: boolean;
      respawnInMs: number | null;
    }
  | { type: 'child-start-failed'; workerId: number; initial: boolean; message: string; respawnInMs: number | null }
  | { type: 'worker-exit'; workerId: number };

export interface McpPool extends ToolRunner {
  /** Pids of every MCP server child the pool has and has not yet seen exit. */
  childPids(): number[];
  /** Subscribes to child lifecycle events; returns the unsubscribe function. */
  onEvent(listener: (event: PoolEvent) => void): () => void;
}

/** createMcpPool could not get every child initialised; nothing it started is left running. */
export class McpPoolStartError extends Error {
  override readonly name = 'McpPoolStartError';
}
