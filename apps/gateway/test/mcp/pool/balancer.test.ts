// Unit tests of the ready-first load balancer (pickWorker): ready workers first, least busy first, a worker whose
// child is down only when every ready one is full, none (the call queues) only when every worker is full.
import { describe, expect, it } from 'vitest';
import { pickWorker, type BalancedWorker } from '../../../src/mcp/pool/balancer.js';

const ready = new Set([2, 3]);
function worker(id: number, inFlight: number, gone = false): BalancedWorker & { id: number } {
  return { id, inFlight, ready: ready.has(id) && !gone, gone };
}
const balance = (workers: Array<BalancedWorker & { id: number }>) => pickWorker(workers, 4);

describe('pickWorker', () => {
  it('picks the least busy ready worker, even over an idle one whose child is down', () => {
    expect(balance([worker(1, 0), worker(2, 3), worker(3, 1)])?.id).toBe(3);
  });

  it('falls back to a worker whose child is down only when every ready worker is full', () => {
    expect(balance([worker(1, 2), worker(2, 4), worker(3, 4)])?.id).toBe(1);
  });

  it('returns none (the call queues) only when every worker is full', () => {
    expect(balance([worker(1, 4), worker(2, 4), worker(3, 4)])).toBeUndefined();
    expect(balance([worker(1, 4), worker(2, 4), worker(3, 3)])?.id).toBe(3);
  });

  it('never picks a worker whose thread is gone', () => {
    expect(balance([worker(2, 0, true), worker(1, 3)])?.id).toBe(1);
    expect(balance([worker(2, 0, true)])).toBeUndefined();
  });
});
