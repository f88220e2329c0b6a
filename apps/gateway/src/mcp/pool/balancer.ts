// Where the warm pool sends each call: the least busy worker whose MCP child is ready, and only when every ready
// worker is full, a worker whose child is restarting (the call waits there briefly for it). None (the call
// queues) only when every worker is full, so a queued call can never be stranded behind a free slot.

export interface BalancedWorker {
  /** The worker's child is up and initialised. */
  readonly ready: boolean;
  /** The worker thread has exited (its port closed). */
  readonly gone: boolean;
  /** Calls sent to the worker and not yet answered. */
  readonly inFlight: number;
}

export function pickWorker<W extends BalancedWorker>(workers: Iterable<W>, maxCallsPerWorker: number): W | undefined {
  let best: W | undefined;
  for (const worker of workers) {
    if (worker.gone || worker.inFlight >= maxCallsPerWorker) continue;
    if (best === undefined || (worker.ready && !best.ready) || (worker.ready === best.ready && worker.inFlight < best.inFlight)) best = worker;
  }
  return best;
}
