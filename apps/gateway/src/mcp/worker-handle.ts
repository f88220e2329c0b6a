// The main-thread side of one pool worker: its control port, what the pool knows of its child (pid, ready), and
// the request/response exchanges over that port (list tools, close). The pool reacts to the rest of the events.
import type { MessagePort } from 'node:worker_threads';
import { GatewayError } from '../errors.js';
import type { MainCommand, WorkerEvent } from './messages.js';
import type { ToolInfo } from './types.js';

const RECENT_STDERR_LINES = 20;

interface PendingTools {
  resolve: (value: { tools: ToolInfo[]; readOnly: string[] }) => void;
  reject: (err: GatewayError) => void;
  timer: NodeJS.Timeout;
}

export class WorkerHandle {
  childPid: number | null = null;
  ready = false;
  everReady = false;
  gone = false;
  /** The child's last stderr lines, for start-up failure messages. */
  readonly recentStderr: string[] = [];
  readonly #pendingTools = new Map<number, PendingTools>();
  readonly #onClosed = new Set<() => void>();

  constructor(
    readonly threadId: number,
    private readonly port: MessagePort,
    onEvent: (event: WorkerEvent) => void,
    onGone: () => void,
  ) {
    port.on('message', (event: WorkerEvent) => {
      this.#settle(event);
      onEvent(event);
    });
    // The port closes when the worker thread exits, whether piscina destroyed it or it crashed.
    port.once('close', () => {
      this.gone = true;
      this.ready = false;
      this.#failPending(new GatewayError('TOOL_UNAVAILABLE', 'The MCP pool worker exited'));
      for (const done of [...this.#onClosed]) done();
      onGone();
    });
  }

  send(command: MainCommand): void {
    if (!this.gone) this.port.postMessage(command);
  }

  noteStderr(line: string): void {
    this.recentStderr.push(line);
    if (this.recentStderr.length > RECENT_STDERR_LINES) this.recentStderr.shift();
  }

  listTools(requestId: number, timeoutMs: number): Promise<{ tools: ToolInfo[]; readOnly: string[] }> {
    if (this.gone) return Promise.reject(new GatewayError('TOOL_UNAVAILABLE', 'The MCP pool worker exited'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pendingTools.delete(requestId);
        reject(new GatewayError('TIMEOUT', `The MCP server did not list its tools within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pendingTools.set(requestId, { resolve, reject, timer });
      this.send({ type: 'list-tools', requestId });
    });
  }

  /** Asks the worker to close its child; resolves when it confirms, the thread is gone, or after `timeoutMs`. */
  close(timeoutMs: number): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#onClosed.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#onClosed.add(done);
      this.send({ type: 'close' });
    });
  }

  #settle(event: WorkerEvent): void {
    if (event.type === 'closed') {
      for (const done of [...this.#onClosed]) done();
    } else if (event.type === 'tools' || event.type === 'tools-failed') {
      const pending = this.#pendingTools.get(event.requestId);
      if (!pending) return;
      this.#pendingTools.delete(event.requestId);
      clearTimeout(pending.timer);
      if (event.type === 'tools') pending.resolve({ tools: event.tools, readOnly: event.readOnly });
      else pending.reject(new GatewayError(event.error.code, event.error.message));
    }
  }

  #failPending(err: GatewayError): void {
    for (const pending of this.#pendingTools.values()) {
      clearTimeout(pending.timer);
      pending.reject(err);
    }
    this.#pendingTools.clear();
  }
}
