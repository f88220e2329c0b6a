// Cross-node broadcast delivery: N events emitted to one room from one node, counted at every client of the room
// (spread over both nodes). Emission yields every batch so the same process can receive while it sends.
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

export const BROADCAST_MARK = 'bench-broadcast';

export interface BroadcastOptions {
  events: number;
  /** Stop emitting after this long, even if fewer than `events` went out. */
  emitBudgetMs: number;
  /** Give up waiting for deliveries this long after the first emit. */
  timeoutMs: number;
  batch?: number;
}

export interface BroadcastResult {
  clients: number;
  emitted: number;
  expected: number;
  received: number;
  fraction: number;
  elapsedMs: number;
  deliveriesPerSecond: number;
}

interface Listener {
  on(event: string, fn: (payload: unknown) => void): unknown;
  off(event: string, fn: (payload: unknown) => void): unknown;
}

export async function measureBroadcast(sockets: readonly unknown[], emit: () => void, options: BroadcastOptions): Promise<BroadcastResult> {
  const listeners = sockets as readonly Listener[];
  const batch = options.batch ?? 100;
  let received = 0;
  let lastAt = 0;
  let expected = Number.POSITIVE_INFINITY;
  let done: () => void = () => undefined;
  const allReceived = new Promise<void>((resolve) => (done = resolve));
  const onEvent = (payload: unknown) => {
    if ((payload as { userId?: unknown } | undefined)?.userId !== BROADCAST_MARK) return;
    received++;
    lastAt = performance.now();
    if (received >= expected) done();
  };
  for (const socket of listeners) socket.on('presence-changed', onEvent);

  const startedAt = performance.now();
  let emitted = 0;
  while (emitted < options.events && performance.now() - startedAt < options.emitBudgetMs) {
    for (let i = 0; i < batch && emitted < options.events; i++, emitted++) emit();
    await yieldToLoop();
  }
  expected = emitted * listeners.length;
  if (received >= expected) done();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, options.timeoutMs - (performance.now() - startedAt)))));
  await Promise.race([allReceived, timedOut]);
  clearTimeout(timer);
  for (const socket of listeners) socket.off('presence-changed', onEvent);

  const elapsedMs = (received >= expected ? lastAt : performance.now()) - startedAt;
  return {
    clients: listeners.length,
    emitted,
    expected,
    received,
    fraction: expected ? received / expected : 0,
    elapsedMs,
    deliveriesPerSecond: elapsedMs > 0 ? (received / elapsedMs) * 1000 : 0,
  };
}
