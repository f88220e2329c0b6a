// The main-thread side of one pool worker (a thread, or inline on the main thread): its control port, what the
// pool knows of its child (pid, ready), the tool calls it runs, and the request/response exchanges over that port
// (list tools, close). The pool reacts to the rest of the events. Calls travel in batches: every call dispatched
// to the worker in one turn of the event loop goes in one message, and the worker answers in batches too, so a
// busy pool pays one cross-thread message (and one wake-up of the other thread) per batch rather than per call.
import { GatewayError } from '../../shared/errors.js';
import type { CallOutcome, CallTask, ControlPort, MainCommand, WorkerEvent } from '../messages.js';
import type { ToolInfo } from '../types.js';

const RECENT_STDERR_LINES = 20;

interface PendingTools {
  resolve: (value: { tools: ToolInfo[]; readOnly: string[] }) => void;
  reject: (err: GatewayError) => void;
  timer: NodeJS.Timeout;
}

interface RunningCall {
  resolve: (outcome: CallOutcome) => void;
  reject: (err: GatewayError) => void;
}

export interface WorkerHandleHooks {
  onEvent(event: WorkerEvent): void;
  /** Calls finished, so the worker has room for more. */
  onCapacity(): void;
  /** The thread exited; every call it was running has been rejected. */
  onGone(): void;
}

export class WorkerHandle {
  childPid: number | null = null;
  ready = false;
  everReady = false;
  gone = false;
  /** Calls sent to this worker (or about to be) and not yet answered. */
  inFlight = 0;
  /** The child's last stderr lines, for start-up failure messages. */
  readonly recentStderr: string[] = [];
  readonly #pendingTools = new Map<number, PendingTools>();
  readonly #onClosed = new Set<() => void>();
  readonly #calls = new Map<number, RunningCall>();
  #outbox: CallTask[] = [];
  #flushScheduled = false;

  constructor(
    readonly threadId: number,
    private readonly port: ControlPort,
    private readonly hooks: WorkerHandleHooks,
  ) {
    port.on('message', (event: WorkerEvent) => {
      if (event.type === 'results') this.#finish(event.results);
      else {
        this.#settle(event);
        hooks.onEvent(event);
      }
    });
    // The port closes when the worker thread exits, whether piscina destroyed it or it crashed.
    port.once('close', () => {
      this.gone = true;
      this.ready = false;
      this.#outbox = [];
      this.#failPending(new GatewayError('TOOL_UNAVAILABLE', 'The MCP pool worker exited'));
      for (const done of [...this.#onClosed]) done();
      hooks.onGone();
    });
  }

  send(command: MainCommand): void {
    if (!this.gone) this.port.postMessage(command);
  }

  /**
   * Runs one tool call on this worker. It leaves with the others dispatched in the same turn of the event loop
   * (setImmediate: after every I/O callback of this turn has had its say). Rejects only when the thread exits.
   */
  run(task: CallTask): Promise<CallOutcome> {
    if (this.gone) return Promise.reject(new GatewayError('TOOL_UNAVAILABLE', 'The MCP pool worker exited'));
    this.inFlight += 1;
    return new Promise<CallOutcome>((resolve, reject) => {
      this.#calls.set(task.callId, { resolve, reject });
      this.#outbox.push(task);
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  /** The caller gave up on a call: a call still waiting to leave is dropped, one already sent is aborted there. */
  cancel(callId: number, until: number): void {
    const waiting = this.#outbox.findIndex((task) => task.callId === callId);
    if (waiting >= 0) {
      this.#outbox.splice(waiting, 1);
      this.#finish([{ callId, outcome: { kind: 'error', error: { code: 'CANCELLED', message: 'The tool call was cancelled' }, retry: 'no' } }]);
    } else if (this.#calls.has(callId)) {
      this.send({ type: 'cancel', callId, until });
    }
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    if (this.#outbox.length === 0) return;
    const tasks = this.#outbox;
    this.#outbox = [];
    this.send({ type: 'calls', tasks });
  };

  #finish(results: Array<{ callId: number; outcome: CallOutcome }>): void {
    let finished = 0;
    for (const { callId, outcome } of results) {
      const call = this.#calls.get(callId);
      if (!call) continue;
      this.#calls.delete(callId);
      this.inFlight -= 1;
      finished += 1;
      call.resolve(outcome);
    }
    if (finished > 0) this.hooks.onCapacity();
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
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    this.inFlight = 0;
    for (const call of calls) call.reject(err);
  }
}
