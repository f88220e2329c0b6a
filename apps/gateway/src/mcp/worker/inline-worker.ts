// A pool worker on the main thread: the same worker runtime as a piscina thread runs (one MCP server child and the
// calls on it), behind a stand-in for the thread's MessagePort. Messages go by reference, on the microtask queue,
// so the pool sees the same asynchronous protocol without a thread hop, a structured clone or a cross-thread
// wake-up per batch. The pool uses it when MCP_POOL_INLINE is on (see pool/api.ts `inline`).
import type { ControlPort, MainCommand, WorkerConfig, WorkerEvent } from '../messages.js';
import { createWorkerRuntime, type WorkerRuntime } from './runtime.js';

export class InlineWorker implements ControlPort {
  readonly #runtime: WorkerRuntime;
  readonly #messageListeners: Array<(event: WorkerEvent) => void> = [];
  readonly #closeListeners: Array<() => void> = [];
  #closed = false;

  constructor(config: WorkerConfig) {
    this.#runtime = createWorkerRuntime(config, (event) => {
      if (this.#closed) return;
      queueMicrotask(() => {
        for (const listener of this.#messageListeners) listener(event);
      });
    });
  }

  postMessage(command: MainCommand): void {
    if (this.#closed) return;
    queueMicrotask(() => this.#runtime.onCommand(command));
  }

  on(_event: 'message', listener: (event: WorkerEvent) => void): this {
    this.#messageListeners.push(listener);
    return this;
  }

  once(_event: 'close', listener: () => void): this {
    this.#closeListeners.push(listener);
    return this;
  }

  /** Like a thread's exit: after the pool has closed the child, the port closes and nothing more goes either way. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#closeListeners.splice(0)) listener();
  }
}
