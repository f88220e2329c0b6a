// Deadlines and progress of the calls in flight: each attempt becomes a task for a worker, with a timer that
// covers its time queued as well as running (TIMEOUT), restarted by each MCP progress notification up to
// MAX_PROGRESS_EXTENSIONS times the timeout in all, and the caller's abort signal, which cancels it on the worker.
import type { Logger } from 'pino';
import { GatewayError } from '../../shared/errors.js';
import type { CallOutcome, CallTask, WorkerEvent } from '../messages.js';
import type { ToolCallRequest } from '../types.js';
import type { CallQueue, PendingCall } from './call-queue.js';
import { callCancelled } from './errors.js';
import type { WorkerHandle } from './worker-handle.js';

/** With progress notifications, a call may run at most this many times its timeout in all. */
const MAX_PROGRESS_EXTENSIONS = 4;

type ProgressEvent = Extract<WorkerEvent, { type: 'progress' }>;

export class CallDeadlines {
  #nextCallId = 0;
  /** callId → the call, while it runs, when its caller wants progress. */
  readonly #progressListeners = new Map<number, TimedCall>();

  constructor(
    private readonly queue: CallQueue,
    private readonly log: Logger,
  ) {}

  /** A worker's progress notification, for the call it belongs to (if that is still running). */
  progress(event: ProgressEvent): void {
    this.#progressListeners.get(event.callId)?.progress(event);
  }

  /**
   * Dispatches one attempt of `request` and settles with its outcome, or rejects on timeout (deadline passed),
   * cancel (the caller's signal) or shutdown. `waitMs` bounds the worker's wait for a restarting child.
   */
  run(request: ToolCallRequest, deadline: number, timeoutMs: number, waitMs: number): Promise<CallOutcome> {
    const { signal } = request;
    const callId = ++this.#nextCallId;
    const task: CallTask = {
      callId,
      name: request.name,
      arguments: request.arguments,
      caller: request.caller,
      deadline,
      waitForChildMs: Math.max(0, Math.min(waitMs, deadline - Date.now())),
      reportProgress: request.onProgress !== undefined,
      maxTotalMs: timeoutMs * MAX_PROGRESS_EXTENSIONS,
      cancellable: signal !== undefined,
    };
    if (request.traceparent !== undefined) task.traceparent = request.traceparent;
    return new Promise<CallOutcome>((resolve, reject) => {
      const call = new TimedCall(task, request, timeoutMs, resolve, reject, this.queue, this.log, this.#progressListeners);
      if (request.onProgress) this.#progressListeners.set(callId, call);
      signal?.addEventListener('abort', call, { once: true });
      this.queue.dispatch(call);
    });
  }
}

/**
 * One attempt between its dispatch and its outcome. A class, not a set of closures: a call allocates one object,
 * its timer calls back through a shared function, and it is its own abort listener (handleEvent).
 */
class TimedCall implements PendingCall {
  handle: WorkerHandle | undefined = undefined;
  queued = false;
  settled = false;
  #timer: NodeJS.Timeout;
  readonly #hardLimit: number;

  constructor(
    readonly task: CallTask,
    private readonly request: ToolCallRequest,
    private readonly timeoutMs: number,
    private readonly onOutcome: (outcome: CallOutcome) => void,
    private readonly onError: (err: GatewayError) => void,
    private readonly queue: CallQueue,
    private readonly log: Logger,
    private readonly progressListeners: Map<number, TimedCall>,
  ) {
    // The worker enforces the same deadline on the MCP request; this one also covers time spent queued.
    this.#timer = setTimeout(expire, Math.max(0, task.deadline - Date.now()), this);
    this.#hardLimit = Date.now() + timeoutMs * MAX_PROGRESS_EXTENSIONS;
  }

  resolve(outcome: CallOutcome): void {
    if (this.settled) return;
    this.#settle();
    this.onOutcome(outcome);
  }

  reject(err: GatewayError): void {
    if (this.settled) return;
    this.#settle();
    this.onError(err);
  }

  expire(): void {
    this.reject(new GatewayError('TIMEOUT', `Tool "${this.task.name}" did not answer within ${this.timeoutMs} ms`));
  }

  /** The caller's signal aborted (this object is its listener). */
  handleEvent(): void {
    const { handle } = this;
    this.reject(callCancelled(this.request.signal));
    // The worker aborts the MCP request (notifications/cancelled); a call still queued is simply dropped.
    handle?.cancel(this.task.callId, this.task.deadline);
  }

  progress(event: ProgressEvent): void {
    const onProgress = this.request.onProgress;
    if (this.settled || !onProgress) return;
    // Progress shows the tool is alive: restart the timeout, as the worker's MCP request does.
    clearTimeout(this.#timer);
    this.#timer = setTimeout(expire, Math.max(0, Math.min(Date.now() + this.timeoutMs, this.#hardLimit) - Date.now()), this);
    try {
      onProgress({ progress: event.progress, ...(event.total !== undefined && { total: event.total }), ...(event.message !== undefined && { message: event.message }) });
    } catch (err) {
      this.log.warn({ err }, 'tool progress handler threw');
    }
  }

  #settle(): void {
    this.settled = true;
    this.queue.leave(this);
    clearTimeout(this.#timer);
    this.progressListeners.delete(this.task.callId);
    this.request.signal?.removeEventListener('abort', this);
  }
}

function expire(call: TimedCall): void {
  call.expire();
}
