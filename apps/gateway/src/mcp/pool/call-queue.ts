// Queueing: a call goes straight to the worker the balancer picks, or waits, oldest first, for a free slot; with
// no child ready at all, it first waits (bounded) for one. Both kinds of wait count as queued, and once maxQueue
// calls wait, the next one gets BUSY at once.
import type { GatewayError } from '../../shared/errors.js';
import type { CallOutcome, CallTask } from '../messages.js';
import { pickWorker } from './balancer.js';
import { poolBusy, poolShutDown } from './errors.js';
import type { WorkerFleet } from './fleet.js';
import type { WorkerHandle } from './worker-handle.js';

/** One attempt of a call, between its dispatch and its outcome: queued for a free slot, or running on `handle`. */
export interface PendingCall {
  task: CallTask;
  resolve: (outcome: CallOutcome) => void;
  reject: (err: GatewayError) => void;
  handle: WorkerHandle | undefined;
  /** In the queue, waiting for a free slot. */
  queued: boolean;
  /** Its caller has its answer already (timeout, abort, shutdown): a queued call is then dropped. */
  settled: boolean;
}

export interface QueueLimits {
  maxQueue: number;
  concurrentCallsPerWorker: number;
}

export class CallQueue {
  /** Calls waiting for a free slot on some worker, oldest first (settled ones are skipped and dropped). */
  #queue: PendingCall[] = [];
  #queued = 0;
  #waitingForReady = 0;

  constructor(
    private readonly fleet: Pick<WorkerFleet, 'workers' | 'waitForReady'>,
    private readonly limits: QueueLimits,
    /** Sends the call to the worker: the pool's, which knows how to read the outcome. */
    private readonly run: (call: PendingCall, handle: WorkerHandle) => void,
  ) {}

  /** Calls waiting, for a free slot or for any child to be ready (PoolStats.queued). */
  get waiting(): number {
    return this.#queued + this.#waitingForReady;
  }

  /** Waits (bounded) for some worker to have a ready child; BUSY if the queue is full already. */
  async waitForReadyWorker(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.waiting >= this.limits.maxQueue) throw poolBusy(this.limits.maxQueue);
    this.#waitingForReady += 1;
    try {
      await this.fleet.waitForReady(ms, signal);
    } finally {
      this.#waitingForReady -= 1;
    }
  }

  /** Sends the call to the worker the balancer picks, or queues it (BUSY when the queue is full). */
  dispatch(call: PendingCall): void {
    const handle = this.#queued === 0 ? pickWorker(this.fleet.workers(), this.limits.concurrentCallsPerWorker) : undefined;
    if (handle) {
      this.run(call, handle);
      return;
    }
    if (this.#queued >= this.limits.maxQueue) {
      call.reject(poolBusy(this.limits.maxQueue));
      return;
    }
    call.queued = true;
    this.#queue.push(call);
    this.#queued += 1;
    // Calls that timed out or were cancelled while queued stay in the array until they reach its head: with every
    // worker stuck, drop them here so it cannot outgrow the live queue.
    if (this.#queue.length > 2 * this.#queued + 64) this.#queue = this.#queue.filter((queued) => queued.queued);
  }

  /** The call has settled: if it was still queued, it no longer counts (pump() drops it when it reaches the head). */
  leave(call: PendingCall): void {
    if (!call.queued) return;
    call.queued = false;
    this.#queued -= 1;
  }

  /** Moves queued calls to workers with free slots, oldest first; drops those whose caller has given up. */
  pump(): void {
    while (this.#queue.length > 0) {
      const next = this.#queue[0];
      if (next?.queued) {
        const handle = pickWorker(this.fleet.workers(), this.limits.concurrentCallsPerWorker);
        if (!handle) return;
        next.queued = false;
        this.#queued -= 1;
        this.run(next, handle);
      }
      this.#queue.shift();
    }
  }

  /** Shutdown: every call still queued fails. */
  rejectAll(): void {
    for (const call of this.#queue.splice(0)) call.reject(poolShutDown());
  }
}
