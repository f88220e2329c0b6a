// Inside a pool worker: carries the MCP child's sampling/createMessage requests to the main thread, which owns the
// LLM client, and hands back its answers. Each request waits a bounded time; failures become MCP errors, which
// the SDK sends to the child as the JSON-RPC error of its request.
import { ErrorCode, McpError, type CreateMessageRequest, type CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import type { MainCommand, WorkerEvent } from '../messages.js';

interface PendingSample {
  resolve: (result: CreateMessageResult) => void;
  reject: (err: McpError) => void;
}

export class SamplingBridge {
  #nextId = 0;
  readonly #pending = new Map<number, PendingSample>();

  constructor(
    private readonly emit: (event: WorkerEvent) => void,
    private readonly timeoutMs: number,
  ) {}

  /** Asks the main thread for the completion; rejects on its failure, on timeout, or when `signal` aborts. */
  request(params: CreateMessageRequest['params'], signal?: AbortSignal): Promise<CreateMessageResult> {
    const requestId = ++this.#nextId;
    return new Promise<CreateMessageResult>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(requestId);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new McpError(ErrorCode.RequestTimeout, `The gateway's LLM did not answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const onAbort = (): void => {
        finish();
        reject(new McpError(ErrorCode.RequestTimeout, 'The sampling request was cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(requestId, {
        resolve: (result) => {
          finish();
          resolve(result);
        },
        reject: (err) => {
          finish();
          reject(err);
        },
      });
      this.emit({ type: 'sampling-request', requestId, params });
    });
  }

  /** Settles the request a main-thread answer is for; a late answer (after the timeout) is dropped. */
  settle(command: Extract<MainCommand, { type: 'sampling-result' | 'sampling-failed' }>): void {
    const pending = this.#pending.get(command.requestId);
    if (!pending) return;
    if (command.type === 'sampling-result') pending.resolve(command.result);
    else pending.reject(new McpError(ErrorCode.InternalError, command.message));
  }

  /** Fails every request still waiting (the worker is closing). */
  failAll(message: string): void {
    for (const pending of [...this.#pending.values()]) pending.reject(new McpError(ErrorCode.ConnectionClosed, message));
  }
}
