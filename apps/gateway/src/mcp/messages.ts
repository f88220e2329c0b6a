// The typed traffic between the pool (pool/, on the main thread) and its workers (worker/: piscina threads, or
// inline on the main thread): the worker's configuration, the task each tool call runs as and its outcome, and the
// messages on each worker's private MessagePort (batches of calls and of their outcomes, start, readiness, child
// exits, cancel, close, sampling requests and their answers). Everything here is structured-clone safe: no Error
// instances.
import type { MessagePort } from 'node:worker_threads';
import type { ErrorCode } from '@leadlovers/protocol';
import type { CallerMeta } from '@leadlovers/tools';
import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolCallResult, ToolInfo } from './types.js';

/** piscina's workerData: what every worker needs to run its MCP server child. */
export interface WorkerConfig {
  command: string;
  args: string[];
  /** The child's whole environment (allow-listed by the pool). */
  env: Record<string, string>;
  cwd?: string;
  /** Bound on each child's spawn + MCP initialize handshake. */
  startTimeoutMs: number;
  respawn: { initialMs: number; maxMs: number };
  /** Declare the sampling capability and forward the child's sampling/createMessage requests to the main thread,
   * waiting this long for each answer; null: no sampling (the server then writes emails from its templates). */
  samplingTimeoutMs: number | null;
}

/** One tools/call, as posted to a worker (in a `calls` batch). */
export interface CallTask {
  callId: number;
  name: string;
  arguments: Record<string, unknown>;
  caller: CallerMeta;
  /** W3C trace context of the gateway's span for this call (tracing on only). */
  traceparent?: string;
  /** Epoch ms after which the call is worthless: the worker skips it or lets the SDK request time out then. */
  deadline: number;
  /** How long to wait for this worker's child when it is down (restarting) before giving up. */
  waitForChildMs: number;
  /** Ask the server for progress notifications (each one restarts the timeout, up to maxTotalMs in all). */
  reportProgress: boolean;
  maxTotalMs: number;
  /** The caller can cancel it (it has an abort signal): only then does the worker arm the MCP request for a cancel. */
  cancellable: boolean;
}

/** An error crossing the thread boundary: plain data, re-created as GatewayError on the main side. */
export interface WireError {
  code: ErrorCode;
  message: string;
}

/**
 * When a failed call may run again: `safe` = it never reached the server; `if-read-only` = the child died while
 * the call was in flight, so a write may or may not have happened.
 */
export type RetryHint = 'safe' | 'if-read-only' | 'no';

export type CallOutcome =
  | { kind: 'result'; result: ToolCallResult }
  | { kind: 'error'; error: WireError; retry: RetryHint };

/** The main thread's end of a worker's control channel: a MessagePort, or the in-thread stand-in of worker/inline-worker.ts. */
export interface ControlPort {
  postMessage(command: MainCommand): void;
  on(event: 'message', listener: (event: WorkerEvent) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/** The first message of a worker, on parentPort (piscina re-emits it as the pool's 'message' event). */
export interface WorkerHello {
  type: 'mcp-worker-hello';
  threadId: number;
  port: MessagePort;
}

export function isWorkerHello(value: unknown): value is WorkerHello {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'mcp-worker-hello';
}

/** Main → worker, on the worker's control port. */
export type MainCommand =
  | { type: 'start' }
  /** Tool calls to run, all those the main thread dispatched to this worker in one turn of its event loop. */
  | { type: 'calls'; tasks: CallTask[] }
  | { type: 'list-tools'; requestId: number }
  /** The caller gave up on the call: abort it, or skip it if it has not arrived yet (until `until`). */
  | { type: 'cancel'; callId: number; until: number }
  /** The answer to a worker's `sampling-request`. */
  | { type: 'sampling-result'; requestId: number; result: CreateMessageResult }
  | { type: 'sampling-failed'; requestId: number; message: string }
  | { type: 'close' };

/** Worker → main, on the worker's control port. */
export type WorkerEvent =
  | { type: 'child-spawned'; pid: number; restart: boolean }
  | { type: 'child-ready'; pid: number; restart: boolean }
  | {
      type: 'child-exit';
      pid: number;
      code: number | null;
      signal: string | null;
      /** True when the pool closed it; false when it died on its own. */
      expected: boolean;
      respawnInMs: number | null;
    }
  | { type: 'child-start-failed'; initial: boolean; message: string; respawnInMs: number | null }
  | { type: 'child-stderr'; pid: number; line: string }
  /** Outcomes of calls, all those that finished in one turn of the worker's event loop. */
  | { type: 'results'; results: Array<{ callId: number; outcome: CallOutcome }> }
  /** An MCP progress notification for a call in flight. */
  | { type: 'progress'; callId: number; progress: number; total?: number; message?: string }
  | { type: 'client-error'; message: string }
  | { type: 'tools'; requestId: number; tools: ToolInfo[]; readOnly: string[] }
  | { type: 'tools-failed'; requestId: number; error: WireError }
  /** The child asked for an LLM completion (MCP sampling); the main thread answers with sampling-result/-failed. */
  | { type: 'sampling-request'; requestId: number; params: CreateMessageRequest['params'] }
  | { type: 'closed' };
