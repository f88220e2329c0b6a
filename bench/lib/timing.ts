// Event timestamps taken inside the listener (not after an await), so a busy event loop after the event does
// not inflate the measured span.
import { performance } from 'node:perf_hooks';

interface Emitterish {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  connect(): unknown;
}

/** Resolves with performance.now() at the socket's next `event`; rejects after timeoutMs. */
export function whenNext(socket: unknown, event: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (socket as Emitterish).once(event, () => {
      clearTimeout(timer);
      resolve(performance.now());
    });
  });
}

/** Connects and resolves with the time of `connect` (rejects on connect_error or timeout). */
export function connectTimed(socket: unknown, timeoutMs: number): Promise<number> {
  const failed = new Promise<never>((_, reject) => {
    (socket as Emitterish).once('connect_error', (err) => reject(err instanceof Error ? err : new Error(String(err))));
  });
  const connected = whenNext(socket, 'connect', timeoutMs);
  (socket as Emitterish).connect();
  return Promise.race([connected, failed]);
}
