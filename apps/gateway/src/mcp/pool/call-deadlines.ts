// Deadlines and progress of the calls in flight: each attempt becomes a task for a worker, with a timer that
// covers its time queued as well as running (TIMEOUT), restarted by each MCP progress notification up to
// MAX_PROGRESS_EXTENSIONS times the timeout in all, and the caller's abort signal, which cancels it on the worker.
import type { Logger } from 'pino';
import { GatewayError } from '../../shared/errors.js';
import type { CallOutcome, CallTask, WorkerEvent } from '../messages.js';
import type { ToolCallRequest } from '../types.js';
import type { CallQueue, PendingCall } from './call-queue.js';
import { callCancelled } from './errors.js';

/** With progress notifications, a call may run at most this many times its timeout in all. */
const MAX_PROGRESS_EXTENSIONS = 4;

type ProgressEvent = Extract<WorkerEvent, { type: 'progress' }>;

export class CallDeadlines {
  #nextCallId = 0;
  /** callId → the caller's progress handler, while the call runs. */
  readonly #progressListeners = new Map<number, (event: ProgressEvent) => void>();

  constructor(
    private readonly queue: CallQueue,
    private readonly log: Logger,
  ) {}

  /** A worker's progress notification, for the call it belongs to (if that is still running). */
  progress(event: ProgressEvent): void {
    this.#progressListeners.get(event.callId)?.(event);
  }

  /**
   * Dispatches one attempt of `request` and settles with its outcome, or rejects on timeout (deadline passed),
   * cancel (the caller's signal) or shutdown. `waitMs` bounds the worker's wait for a restarting child.
   */
  run(request: ToolCallRequest, deadline: number, timeoutMs: number, waitMs: number): Promise<CallOutcome> {
    const { name, signal } = request;
    const callId = ++this.#nextCallId;
    const task: CallTask = {
      callId,
      name,
      arguments: request.arguments,
      caller: request.caller,
      deadline,
      waitForChildMs: Math.max(0, Math.min(waitMs, deadline - Date.now())),
      reportProgress: request.onProgress !== undefined,
      maxTotalMs: timeoutMs * MAX_PROGRESS_EXTENSIONS,
    };
    return new Promise<CallOutcome>((resolve, reject) => {
      const settle = (): void => {
        call.settled = true;
        this.queue.leave(call);
        clearTimeout(timer);
        this.#progressListeners.delete(callId);
        signal?.removeEventListener('abort', onAbort);
      };
      const call: PendingCall = {
        task,
        handle: undefined,
        queued: false,
        settled: false,
        resolve: (outcome) => {
          if (call.settled) return;
          settle();
          resolve(outcome);
        },
        reject: (err) => {
          if (call.settled) return;
          settle();
          reject(err);
        },
      };
      const expire = (): void => call.reject(new GatewayError('TIMEOUT', `Tool "${name}" did not answer within ${timeoutMs} ms`));
      // The worker enforces the same deadline on the MCP request; this one also covers time spent queued.
      let timer = setTimeout(expire, Math.max(0, deadline - Date.now()));
      const hardLimit = Date.now() + timeoutMs * MAX_PROGRESS_EXTENSIONS;
      if (request.onProgress) {
        const onProgress = request.onProgress;
        this.#progressListeners.set(callId, (event) => {
          // Progress shows the tool is alive: restart the timeout, as the worker's MCP request does.
          clearTimeout(timer);
          timer = setTimeout(expire, Math.max(0, Math.min(Date.now() + timeoutMs, hardLimit) - Date.now()));
          try {
            onProgress({ progress: event.progress, ...(event.total !== undefined && { total: event.total }), ...(event.message !== undefined && { message: event.message }) });
          } catch (err) {
            this.log.warn({ err }, 'tool progress handler threw');
          }
        });
      }
      const onAbort = (): void => {
        const { handle } = call;
        call.reject(callCancelled(signal));
        // The worker aborts the MCP request (notifications/cancelled); a call still queued is simply dropped.
        handle?.cancel(callId, deadline);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.dispatch(call);
    });
  }
}
