// piscina load balancer for the warm pool: sends each call to the least busy worker whose MCP child is ready, and
// only when every ready worker is full, to a worker whose child is restarting (it waits briefly for it). It
// returns null (piscina queues the call) only when every worker is full, so a queued call can never be stranded.
import type { Piscina } from 'piscina';

type LoadBalancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>;
export type BalancedWorker = Parameters<LoadBalancer>[1][number];

export function readyFirstBalancer(isReady: (threadId: number) => boolean, maxCallsPerWorker: number): LoadBalancer {
  return (_task, workers) => {
    let best: BalancedWorker | null = null;
    let bestReady = false;
    for (const worker of workers) {
      if (worker.terminating || worker.destroyed || worker.currentUsage >= maxCallsPerWorker) continue;
      const ready = isReady(worker.id);
      if (best === null || (ready && !bestReady) || (ready === bestReady && worker.currentUsage < best.currentUsage)) {
        best = worker;
        bestReady = ready;
      }
    }
    return best;
  };
}
